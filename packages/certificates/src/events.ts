import { z } from "@lectern/core";

/** The events `@lectern/certificates` emits; payloads are checked against these at emit time. */
export const certificateEvents = {
  "certificate.requested": z.object({ certificateId: z.string(), courseId: z.string(), userId: z.string() }),
  "certificate.issued": z.object({
    certificateId: z.string(),
    courseId: z.string(),
    userId: z.string(),
    code: z.string(),
    issuedBy: z.string(),
  }),
  "certificate.rejected": z.object({
    certificateId: z.string(),
    courseId: z.string(),
    userId: z.string(),
    reason: z.string(),
    rejectedBy: z.string(),
  }),
  "certificate.revoked": z.object({
    certificateId: z.string(),
    courseId: z.string(),
    userId: z.string(),
    reason: z.string(),
    revokedBy: z.string(),
  }),
};

type Payloads = { [K in keyof typeof certificateEvents]: z.output<(typeof certificateEvents)[K]> };

declare module "@lectern/core" {
  interface LecternEvents {
    /** A student completed a course and now has a pending certificate request. */
    "certificate.requested": Payloads["certificate.requested"];
    /** An admin approved: the certificate is issued, rendered, and its mail is queued. */
    "certificate.issued": Payloads["certificate.issued"];
    "certificate.rejected": Payloads["certificate.rejected"];
    /** The certificate no longer verifies; its bit is set in the published status list. */
    "certificate.revoked": Payloads["certificate.revoked"];
  }
}
