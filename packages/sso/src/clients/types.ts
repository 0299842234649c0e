/** What an identity provider vouched for, after its ID token passed every check. */
export interface VerifiedIdentity {
  /** The provider's stable id for the person (`sub`). */
  subject: string;
  email: string | null;
  /** True only when the provider says it checked the person owns the address. */
  emailVerified: boolean;
  name: string | null;
}

/** One authorization-code flow's secrets, made at the start and checked at the callback. */
export interface FlowSecrets {
  redirectUri: string;
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** Why a provider's answer was refused; the service turns each into its problem. */
export type RefusalKind = "denied" | "code-rejected" | "token-invalid" | "unreachable";

export class SignInRefused extends Error {
  override name = "SignInRefused";
  constructor(
    readonly kind: RefusalKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The two calls a sign-in makes to a provider: where to send the browser, and what came back. */
export interface IdentityClient {
  authorizationUrl(flow: FlowSecrets): Promise<URL>;
  /** Redeems the code in `callbackUrl` and checks the ID token; throws `SignInRefused`. */
  verify(callbackUrl: URL, flow: FlowSecrets): Promise<VerifiedIdentity>;
}

/** Claims read as strings or booleans whatever their JSON type, so a provider's quirks do not throw. */
export function identityFrom(
  claims: Record<string, unknown>,
  emailVerified: (claims: Record<string, unknown>) => boolean,
): VerifiedIdentity {
  const text = (value: unknown) => (typeof value === "string" && value.trim() !== "" ? value.trim() : null);
  const given = [text(claims.given_name), text(claims.family_name)].filter(Boolean).join(" ");
  const subject = text(claims.sub);
  if (!subject) throw new SignInRefused("token-invalid", "The ID token names no subject.");
  return {
    subject,
    email: text(claims.email),
    emailVerified: emailVerified(claims),
    name: text(claims.name) ?? (given || null),
  };
}

/** The OpenID Connect standard claim: only a JSON `true` counts (some providers send the string). */
export const standardEmailVerified = (claims: Record<string, unknown>) =>
  claims.email_verified === true || claims.email_verified === "true";

/** Plain http is accepted only for a provider on this machine (tests, local development). */
export function isLoopback(url: URL): boolean {
  return ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
}
