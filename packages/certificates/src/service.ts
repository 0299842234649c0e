import { CertificateBatches } from "./service/batches.js";
import { CertificatesState } from "./service/context.js";
import { CertificateCredentials } from "./service/credentials.js";
import { CertificateFiles } from "./service/files.js";
import { CertificateRequests } from "./service/requests.js";
import type { CertificatesServiceDeps } from "./service/types.js";
import { CertificateViews } from "./service/views.js";

export { BATCH_JOB } from "./service/context.js";
export type {
  Batch,
  Certificate,
  CertificatesConfig,
  CertificatesServiceDeps,
  IssuerKeySummary,
  Verification,
} from "./service/types.js";

/**
 * The certificate workflow: a pending request per completed course, an admin's decision,
 * issuance (render, store, sign, mail), verification, revocation and the issuer's keys.
 * Every rule lives in the parts under `service/`.
 */
export class CertificatesService {
  readonly #views: CertificateViews;
  readonly #requests: CertificateRequests;
  readonly #batches: CertificateBatches;
  readonly #files: CertificateFiles;
  readonly #credentials: CertificateCredentials;

  constructor(deps: CertificatesServiceDeps) {
    const state = new CertificatesState(deps);
    state.views = new CertificateViews(state);
    state.requests = new CertificateRequests(state);
    state.files = new CertificateFiles(state);
    state.credentials = new CertificateCredentials(state);
    this.#views = state.views;
    this.#requests = state.requests;
    this.#batches = new CertificateBatches(state);
    this.#files = state.files;
    this.#credentials = state.credentials;
  }

  // URLs
  readonly verifyUrlOf: CertificateViews["verifyUrlOf"] = (...args) => this.#views.verifyUrlOf(...args);
  get issuerProfileUrl(): string {
    return this.#credentials.issuerProfileUrl;
  }
  readonly statusListUrl: CertificateCredentials["statusListUrl"] = (...args) =>
    this.#credentials.statusListUrl(...args);

  // CertificateRequests
  readonly requestCertificate: CertificateRequests["requestCertificate"] = (...args) =>
    this.#requests.requestCertificate(...args);
  readonly approve: CertificateRequests["approve"] = (...args) => this.#requests.approve(...args);
  readonly reject: CertificateRequests["reject"] = (...args) => this.#requests.reject(...args);
  readonly revoke: CertificateRequests["revoke"] = (...args) => this.#requests.revoke(...args);

  // CertificateViews
  readonly listAll: CertificateViews["listAll"] = (...args) => this.#views.listAll(...args);
  readonly getCertificate: CertificateViews["getCertificate"] = (...args) =>
    this.#views.getCertificate(...args);

  // CertificateBatches
  readonly startBatch: CertificateBatches["startBatch"] = (...args) => this.#batches.startBatch(...args);
  readonly getBatch: CertificateBatches["getBatch"] = (...args) => this.#batches.getBatch(...args);
  readonly runBatchChunk: CertificateBatches["runBatchChunk"] = (...args) =>
    this.#batches.runBatchChunk(...args);

  // CertificateFiles
  readonly openPdf: CertificateFiles["openPdf"] = (...args) => this.#files.openPdf(...args);
  readonly openPng: CertificateFiles["openPng"] = (...args) => this.#files.openPng(...args);

  // CertificateCredentials
  readonly credentialOf: CertificateCredentials["credentialOf"] = (...args) =>
    this.#credentials.credentialOf(...args);
  readonly verify: CertificateCredentials["verify"] = (...args) => this.#credentials.verify(...args);
  readonly ensureIssuerKey: CertificateCredentials["ensureIssuerKey"] = (...args) =>
    this.#credentials.ensureIssuerKey(...args);
  readonly rotateIssuerKey: CertificateCredentials["rotateIssuerKey"] = (...args) =>
    this.#credentials.rotateIssuerKey(...args);
  readonly issuerKeys: CertificateCredentials["issuerKeys"] = (...args) =>
    this.#credentials.issuerKeys(...args);
  readonly jwks: CertificateCredentials["jwks"] = (...args) => this.#credentials.jwks(...args);
  readonly issuerProfile: CertificateCredentials["issuerProfile"] = (...args) =>
    this.#credentials.issuerProfile(...args);
  readonly statusListCredential: CertificateCredentials["statusListCredential"] = (...args) =>
    this.#credentials.statusListCredential(...args);
}
