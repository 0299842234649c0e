import { definePlugin, type PrivacyHandler, z } from "@lectern/core";
import { eq } from "drizzle-orm";
import { ssoEvents } from "./events.js";
import { passwordGate } from "./password-gate.js";
import { ssoProblemTypes } from "./problems.js";
import { providerSchema } from "./providers.js";
import { ssoRoutes } from "./routes.js";
import { identities } from "./schema.js";
import { SsoService } from "./service.js";

export type { VerifiedIdentity } from "./clients/types.js";
export { ssoEvents } from "./events.js";
export { ssoProblemTypes } from "./problems.js";
export { googleProvider, microsoftProvider, oidcProvider, type ProviderConfig } from "./providers.js";
export { FLOW_COOKIE } from "./routes.js";
export { FLOW_LIFETIME_MS, SsoService, type SsoSettings } from "./service.js";

declare module "@lectern/core" {
  interface LecternServices {
    sso: SsoService;
  }
}

/** A page of the site: a path (`/login`) or a full URL. */
const page = z.string().regex(/^(\/|https?:\/\/)\S*$/, "Give a path such as /login, or a full URL.");

const options = z
  .object({
    providers: z.array(providerSchema).min(1, "Configure at least one provider, e.g. oidcProvider({...})."),
    allowedDomains: z
      .array(z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i, "A domain such as northfield.edu."))
      .default([]),
    defaultRole: z.enum(["student", "instructor"]).default("student"),
    passwordSignIn: z.boolean().default(true),
    afterSignIn: page.default("/"),
    errorPage: page.default("/login"),
    apiUrl: z.string().url().optional(),
  })
  .refine((o) => new Set(o.providers.map((p) => p.id)).size === o.providers.length, {
    message: "Two providers share an id; give each its own `id`.",
    path: ["providers"],
  });

const privacy: PrivacyHandler = {
  key: "sso.identities",
  export: (executor, { userId }) => executor.select().from(identities).where(eq(identities.userId, userId)),
  erase: async (tx, { userId }) => {
    await tx.delete(identities).where(eq(identities.userId, userId));
  },
};

/** Single sign-on with OpenID Connect providers, Google and Microsoft Entra ID. */
export const sso = definePlugin({
  id: "sso",
  version: "0.1.0",
  coreRange: "^0.1.0",
  options,
  db: { migrations: new URL("../migrations", import.meta.url) },
  problemTypes: ssoProblemTypes,
  events: { emits: ssoEvents },
  services: (ctx) =>
    new SsoService(
      {
        db: ctx.db,
        clock: ctx.clock,
        auth: ctx.auth,
        events: ctx.events,
        logger: ctx.logger,
        publicUrl: ctx.config.publicUrl,
      },
      ctx.options,
    ),
  routes: (ctx) => ssoRoutes(ctx.services.get("sso")),
  middleware: (ctx) =>
    ctx.options.passwordSignIn
      ? async (_c, next) => {
          await next();
        }
      : passwordGate(ctx.options.providers.map((p) => p.name)),
  contributes: () => ({ "core.privacy": privacy }),
});
