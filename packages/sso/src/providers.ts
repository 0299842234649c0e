import { z } from "@lectern/core";
import { OidcClient } from "./clients/oidc.js";
import { PresetClient } from "./clients/preset.js";
import { type IdentityClient, standardEmailVerified } from "./clients/types.js";

const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, "Use lowercase letters, digits and dashes, e.g. `northfield`.");
const secret = z.string().min(1);
/** The published endpoints of a preset; replaced only to reach a local fake in tests or a proxy. */
const endpoints = z.object({
  authorization: z.string().url(),
  token: z.string().url(),
  jwks: z.string().url(),
});

const oidcSchema = z.object({
  kind: z.literal("oidc"),
  id,
  /** What the button says after "Sign in with": the institution's or provider's name. */
  name: z.string().min(1).max(80),
  issuer: z.string().url(),
  clientId: secret,
  clientSecret: secret,
  scopes: z.array(z.string()).default(["openid", "email", "profile"]),
});

const googleSchema = z.object({
  kind: z.literal("google"),
  id: id.default("google"),
  name: z.string().min(1).max(80).default("Google"),
  clientId: secret,
  clientSecret: secret,
  endpoints: endpoints.optional(),
});

const microsoftSchema = z.object({
  kind: z.literal("microsoft"),
  id: id.default("microsoft"),
  name: z.string().min(1).max(80).default("Microsoft"),
  /** The directory (tenant) id, or `organizations` for any work or school account. */
  tenant: z.string().regex(/^[\w.-]{1,100}$/),
  clientId: secret,
  clientSecret: secret,
  endpoints: endpoints.optional(),
});

export const providerSchema = z.discriminatedUnion("kind", [oidcSchema, googleSchema, microsoftSchema]);
export type ProviderConfig = z.output<typeof providerSchema>;

type Input<S extends z.ZodType> = Omit<z.input<S>, "kind">;

/** Any OpenID Connect provider found by discovery at `issuer` (Keycloak, Okta, Auth0, Shibboleth's OP …). */
export const oidcProvider = (options: Input<typeof oidcSchema>) => ({ kind: "oidc" as const, ...options });
/** Google accounts (Workspace or personal), through arctic with Google's published endpoints. */
export const googleProvider = (options: Input<typeof googleSchema>) => ({
  kind: "google" as const,
  ...options,
});
/** Microsoft Entra ID work and school accounts of a tenant, through arctic. */
export const microsoftProvider = (options: Input<typeof microsoftSchema>) => ({
  kind: "microsoft" as const,
  ...options,
});

const GOOGLE: z.output<typeof endpoints> = {
  authorization: "https://accounts.google.com/o/oauth2/v2/auth",
  token: "https://oauth2.googleapis.com/token",
  jwks: "https://www.googleapis.com/oauth2/v3/certs",
};

const entra = (tenant: string): z.output<typeof endpoints> => ({
  authorization: `https://login.microsoftonline.com/${tenant}/oauth2/v2.0/authorize`,
  token: `https://login.microsoftonline.com/${tenant}/oauth2/v2.0/token`,
  jwks: `https://login.microsoftonline.com/${tenant}/discovery/v2.0/keys`,
});

const MULTI_TENANT = new Set(["common", "organizations", "consumers"]);

/** The client that speaks to a configured provider. */
export function identityClient(config: ProviderConfig): IdentityClient {
  const credentials = { clientId: config.clientId, clientSecret: config.clientSecret };
  const scopes = ["openid", "email", "profile"];
  switch (config.kind) {
    case "oidc":
      return new OidcClient(config);
    case "google":
      return new PresetClient(
        config.endpoints ?? GOOGLE,
        {
          issuer: (p) => p.iss === "https://accounts.google.com" || p.iss === "accounts.google.com",
          emailVerified: standardEmailVerified,
        },
        credentials,
        scopes,
      );
    case "microsoft":
      return new PresetClient(
        config.endpoints ?? entra(config.tenant),
        {
          // Entra signs every tenant's tokens with shared keys: the issuer must name the token's own
          // tenant, and that tenant must be the configured one unless a multi-tenant value was chosen.
          issuer: (p) =>
            typeof p.tid === "string" &&
            p.iss === `https://login.microsoftonline.com/${p.tid}/v2.0` &&
            (MULTI_TENANT.has(config.tenant) || p.tid === config.tenant),
          // Entra has no `email_verified`; `xms_edov` (an optional claim to enable in the app
          // registration) says the address's domain is verified by its owner.
          emailVerified: (c) => c.xms_edov === true || c.xms_edov === "1" || c.xms_edov === 1,
        },
        credentials,
        scopes,
      );
  }
}
