import { Readable } from "node:stream";
import { problems } from "@lectern/core";
import { eq } from "drizzle-orm";
import { UnsupportedScriptError } from "../render/fonts.js";
import type { CertificateData } from "../render/model.js";
import { renderCertificatePng } from "../render/render.js";
import { certificates } from "../schema.js";
import { CertificatesPart } from "./context.js";
import type { Viewer } from "./types.js";

/** Rendering and stored files: the PDF and PNG of an issued certificate. */
export class CertificateFiles extends CertificatesPart {
  /** The stored PDF of an issued certificate, for its holder or an admin. */
  async openPdf(viewer: Viewer, id: string): Promise<{ key: string; filename: string }> {
    const { row } = await this.views.downloadable(viewer, id);
    return { key: row.pdfKey!, filename: `certificate-${row.code}.pdf` };
  }

  /** A PNG preview, rendered on first request and kept. */
  async openPng(viewer: Viewer, id: string): Promise<{ key: string; filename: string }> {
    const { row } = await this.views.downloadable(viewer, id);
    const filename = `certificate-${row.code}.png`;
    if (row.pngKey && (await this.deps.storage.stat(row.pngKey))) return { key: row.pngKey, filename };
    const data = this.certificateData({
      holderName: row.holderName!,
      courseTitle: row.courseTitle!,
      code: row.code!,
      issuedAt: row.issuedAt!,
    });
    const png = await this.render(() =>
      renderCertificatePng(data, { template: this.options.template, width: 1600 }),
    );
    const key = `certificates/${id}/${row.code}.png`;
    await this.deps.storage.put(key, Readable.from([png]));
    await this.db.update(certificates).set({ pngKey: key }).where(eq(certificates.id, id));
    return { key, filename };
  }

  certificateData(input: {
    holderName: string;
    courseTitle: string;
    code: string;
    issuedAt: Date;
  }): CertificateData {
    const { institution, signatories, locale } = this.options;
    return {
      institution: {
        name: institution.name,
        logoDataUri: institution.logo,
        primaryColor: institution.primaryColor,
        accentColor: institution.accentColor,
      },
      signatories: signatories.map((s) => ({ name: s.name, title: s.title, signatureDataUri: s.signature })),
      holderName: input.holderName,
      courseTitle: input.courseTitle,
      issuedAt: input.issuedAt,
      code: input.code,
      verifyUrl: this.views.verifyUrlOf(input.code),
      timeZone: this.deps.timeZone,
      locale,
    };
  }

  /** Runs the renderer; a name no font can draw is the caller's to fix (422), not a crash. */
  async render<T>(render: () => Promise<T>): Promise<T> {
    try {
      return await render();
    } catch (error) {
      if (error instanceof UnsupportedScriptError) {
        throw problems.validation([{ path: "holderName", message: error.message }], error.message);
      }
      throw error;
    }
  }
}
