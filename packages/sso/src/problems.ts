import { ProblemError } from "@lectern/core";
import type { RefusalKind } from "./clients/types.js";

/** The problems `@lectern/sso` answers, by slug (listed in the OpenAPI document). */
export const ssoProblemTypes = {
  "sso-unknown-provider": { status: 404, title: "No such sign-in provider" },
  "sso-flow-missing": { status: 400, title: "Sign-in not started here" },
  "sso-state-mismatch": { status: 400, title: "Sign-in answer does not match" },
  "sso-denied": { status: 400, title: "Sign-in cancelled at the provider" },
  "sso-code-rejected": { status: 400, title: "Sign-in code rejected" },
  "sso-token-invalid": { status: 401, title: "Identity not proven" },
  "sso-email-unverified": { status: 403, title: "Email address not verified" },
  "sso-domain-not-allowed": { status: 403, title: "Email domain not allowed" },
  "password-sign-in-off": { status: 403, title: "Password sign-in is off" },
} as const;

export type SsoProblem = keyof typeof ssoProblemTypes;

export function ssoProblem(type: SsoProblem, detail: string): ProblemError {
  const { status, title } = ssoProblemTypes[type];
  return new ProblemError({ type, status, title, detail });
}

/** What the browser's person reads for each refusal a provider's answer can get. */
export const REFUSALS: Record<Exclude<RefusalKind, "unreachable">, { type: SsoProblem; detail: string }> = {
  denied: { type: "sso-denied", detail: "The sign-in was cancelled or refused at the provider. Try again." },
  "code-rejected": {
    type: "sso-code-rejected",
    detail: "This sign-in link was already used or has expired. Start the sign-in again.",
  },
  "token-invalid": {
    type: "sso-token-invalid",
    detail:
      "The provider's answer could not be verified, so you were not signed in. Start the sign-in again.",
  },
};
