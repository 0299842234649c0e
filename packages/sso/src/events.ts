import { z } from "@lectern/core";

/** The events `@lectern/sso` emits; payloads are checked against these at emit time. */
export const ssoEvents = {
  "sso.signed_in": z.object({
    userId: z.string(),
    provider: z.string(),
    /** `created`: a new account; `linked`: an existing account met this provider identity first. */
    outcome: z.enum(["created", "linked", "returning"]),
  }),
};

declare module "@lectern/core" {
  interface LecternEvents {
    /** Someone signed in through a provider; for audit logs and welcome messages. */
    "sso.signed_in": z.output<(typeof ssoEvents)["sso.signed_in"]>;
  }
}
