import { type Database, problems, users } from "@lectern/core";
import { certificates } from "../schema.js";
import type { CertificateCredentials } from "./credentials.js";
import type { CertificateFiles } from "./files.js";
import type { CertificateRequests } from "./requests.js";
import type { CertificatesConfig, CertificatesServiceDeps } from "./types.js";
import type { CertificateViews } from "./views.js";

export const KEYS_SETTING = "issuer-keys";
export const BATCH_JOB = "certificates.approve-batch";

export const iso = (date: Date | null) => (date ? date.toISOString() : null);

export const rowColumns = {
  row: certificates,
  userName: users.name,
  userEmail: users.email,
};

export function assertDecidable(row: typeof certificates.$inferSelect, action: "approve" | "reject"): void {
  if (row.status === "pending") return;
  const detail =
    row.status === "issued"
      ? action === "approve"
        ? "This certificate is already issued."
        : "This certificate is already issued; revoke it instead."
      : `This certificate request is ${row.status}; only a pending request can be decided.`;
  throw problems.conflict(detail, {
    type: "certificate-decided",
    certificateStatus: row.status,
  });
}

/** What every part of the certificates service shares: its dependencies and the other parts. */
export class CertificatesState {
  views!: CertificateViews;
  requests!: CertificateRequests;
  files!: CertificateFiles;
  credentials!: CertificateCredentials;

  constructor(readonly deps: CertificatesServiceDeps) {}
}

/** The base of each part: reach the shared dependencies, the database, the options and the other parts. */
export abstract class CertificatesPart {
  constructor(protected readonly state: CertificatesState) {}
  protected get deps(): CertificatesServiceDeps {
    return this.state.deps;
  }
  protected get db(): Database {
    return this.state.deps.db;
  }
  protected get options(): CertificatesConfig {
    return this.state.deps.options;
  }
  protected get views(): CertificateViews {
    return this.state.views;
  }
  protected get requests(): CertificateRequests {
    return this.state.requests;
  }
  protected get files(): CertificateFiles {
    return this.state.files;
  }
  protected get credentials(): CertificateCredentials {
    return this.state.credentials;
  }
}
