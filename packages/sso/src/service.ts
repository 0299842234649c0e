import { createHash, randomBytes, randomUUID } from "node:crypto";
import {
  type AuthService,
  type Clock,
  type Database,
  type EventBus,
  type ExternalSignedIn,
  type Logger,
  MINUTE,
  ProviderError,
  type Role,
} from "@lectern/core";
import { and, eq, lt } from "drizzle-orm";
import * as oidc from "openid-client";
import { type IdentityClient, SignInRefused, type VerifiedIdentity } from "./clients/types.js";
import { REFUSALS, ssoProblem } from "./problems.js";
import { identityClient, type ProviderConfig } from "./providers.js";
import { flows, identities } from "./schema.js";

/** How long a started sign-in may take at the provider. */
export const FLOW_LIFETIME_MS = 10 * MINUTE;

export interface SsoSettings {
  providers: ProviderConfig[];
  /** Email domains whose people may sign in (`northfield.edu`); empty means any domain. */
  allowedDomains: string[];
  /** The role of accounts created on a first sign-in. */
  defaultRole: Extract<Role, "student" | "instructor">;
  /** Whether `POST /api/auth/login` and `/register` keep working alongside single sign-on. */
  passwordSignIn: boolean;
  /** Where the browser lands after signing in when the start named no `returnTo`. */
  afterSignIn: string;
  /** The site's page that explains a failed sign-in; it receives `?sso_error=<problem slug>`. */
  errorPage: string;
  /** Where this API is reached from browsers, when not at the site's `publicUrl`. */
  apiUrl?: string;
}

interface Deps {
  db: Database;
  clock: Clock;
  auth: AuthService;
  events: EventBus;
  logger: Logger;
  publicUrl: string;
}

const hash = (token: string) => createHash("sha256").update(token).digest("hex");

/** Single sign-on: starts a provider's authorization flow and turns its verified answer into a session. */
export class SsoService {
  readonly #providers = new Map<string, { config: ProviderConfig; client: IdentityClient }>();

  constructor(
    private readonly deps: Deps,
    private readonly settings: SsoSettings,
  ) {
    for (const config of settings.providers) {
      this.#providers.set(config.id, { config, client: identityClient(config) });
    }
  }

  /** The configured providers, for the site's "Sign in with …" buttons. */
  providers(): { id: string; name: string }[] {
    return this.settings.providers.map(({ id, name }) => ({ id, name }));
  }

  get passwordSignIn(): boolean {
    return this.settings.passwordSignIn;
  }

  /**
   * Starts a sign-in: a flow with fresh state, nonce and PKCE verifier, and the provider's address
   * to send the browser to. The returned token goes into the browser's cookie.
   */
  async start(
    providerId: string,
    returnTo = this.settings.afterSignIn,
  ): Promise<{ redirect: URL; flowToken: string }> {
    const provider = this.#provider(providerId);
    const flowToken = randomBytes(32).toString("base64url");
    const flow = {
      redirectUri: this.callbackUrl(providerId),
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      codeVerifier: oidc.randomPKCECodeVerifier(),
    };
    const redirect = await this.#call(provider.config.id, () => provider.client.authorizationUrl(flow));
    const now = this.deps.clock.now();
    await this.deps.db.transaction(async (tx) => {
      // Abandoned sign-ins are swept here, so the table stays as small as the sign-ins in progress.
      await tx.delete(flows).where(lt(flows.expiresAt, now));
      await tx.insert(flows).values({
        id: randomUUID(),
        tokenHash: hash(flowToken),
        provider: providerId,
        state: flow.state,
        nonce: flow.nonce,
        codeVerifier: flow.codeVerifier,
        returnTo,
        createdAt: now,
        expiresAt: new Date(now.getTime() + FLOW_LIFETIME_MS),
      });
    });
    return { redirect, flowToken };
  }

  /**
   * Finishes a sign-in from the provider's redirect: the flow is used up first (a replayed answer
   * finds nothing), then state, code, ID token, email and domain are checked; only then is an
   * account found, linked or created, and a session made, all in one transaction.
   */
  async finish(
    providerId: string,
    flowToken: string | undefined,
    query: URLSearchParams,
  ): Promise<{ signedIn: ExternalSignedIn; returnTo: string }> {
    const provider = this.#provider(providerId);
    const flow = flowToken ? await this.#useFlow(providerId, flowToken) : null;
    if (!flow) {
      throw ssoProblem(
        "sso-flow-missing",
        "This sign-in was not started in this browser, or took longer than ten minutes. Start the sign-in again.",
      );
    }
    if (query.get("state") !== flow.state) {
      throw ssoProblem(
        "sso-state-mismatch",
        "The provider's answer does not belong to the sign-in started in this browser. Start the sign-in again.",
      );
    }
    const callbackUrl = new URL(this.callbackUrl(providerId));
    for (const [name, value] of query) callbackUrl.searchParams.append(name, value);
    const identity = await this.#call(provider.config.id, () =>
      provider.client.verify(callbackUrl, { ...flow, redirectUri: this.callbackUrl(providerId) }),
    );
    const email = this.#admissibleEmail(identity, provider.config.name);

    const signedIn = await this.deps.db.transaction(async (tx) => {
      const now = this.deps.clock.now();
      const [known] = await tx
        .select()
        .from(identities)
        .where(and(eq(identities.provider, providerId), eq(identities.subject, identity.subject)))
        .limit(1);
      let outcome: "created" | "linked" | "returning" = "returning";
      let user = known ? await this.deps.auth.external.findById(tx, known.userId) : null;
      if (known && user) {
        await tx.update(identities).set({ email, lastSignInAt: now }).where(eq(identities.id, known.id));
      } else {
        const found = await this.deps.auth.external.findOrCreate(tx, {
          email,
          name: displayName(identity.name, email),
          role: this.settings.defaultRole,
        });
        user = found.user;
        outcome = found.created ? "created" : "linked";
        await tx
          .insert(identities)
          .values({
            id: randomUUID(),
            provider: providerId,
            subject: identity.subject,
            userId: user.id,
            email,
            linkedAt: now,
            lastSignInAt: now,
          })
          .onConflictDoNothing();
      }
      await this.deps.events.emit(tx, "sso.signed_in", { userId: user.id, provider: providerId, outcome });
      return this.deps.auth.external.signIn(tx, user);
    });
    this.deps.logger.info({ userId: signedIn.user.id, provider: providerId }, "signed in by single sign-on");
    return { signedIn, returnTo: flow.returnTo };
  }

  /** The address the provider sends the browser back to; register it with the provider. */
  callbackUrl(providerId: string): string {
    return `${this.settings.apiUrl ?? this.deps.publicUrl}/api/sso/${providerId}/callback`;
  }

  /** A page of the site: a path is joined to `publicUrl`, a full URL is kept. */
  siteUrl(page: string): string {
    return /^https?:\/\//.test(page)
      ? page
      : `${this.deps.publicUrl}${page.startsWith("/") ? "" : "/"}${page}`;
  }

  /** Where a browser goes when its sign-in failed: the site's page, told which problem in its query. */
  errorUrl(problemType: string): string {
    const url = new URL(this.siteUrl(this.settings.errorPage));
    url.searchParams.set("sso_error", problemType.slice(problemType.lastIndexOf("/") + 1));
    return url.toString();
  }

  #provider(providerId: string) {
    const provider = this.#providers.get(providerId);
    if (!provider) throw ssoProblem("sso-unknown-provider", "There is no sign-in provider by this name.");
    return provider;
  }

  async #useFlow(providerId: string, flowToken: string) {
    if (!/^[\w-]{43}$/.test(flowToken)) return null;
    const [row] = await this.deps.db
      .delete(flows)
      .where(eq(flows.tokenHash, hash(flowToken)))
      .returning();
    if (!row || row.provider !== providerId || row.expiresAt.getTime() <= this.deps.clock.now().getTime())
      return null;
    return row;
  }

  #admissibleEmail(identity: VerifiedIdentity, providerName: string): string {
    if (!identity.email || !identity.emailVerified) {
      throw ssoProblem(
        "sso-email-unverified",
        `${providerName} did not confirm that your email address is verified, so it cannot sign you in here. Verify the address with ${providerName}, or ask your administrator.`,
      );
    }
    const email = identity.email.toLowerCase();
    const domain = email.slice(email.lastIndexOf("@") + 1);
    const allowed = this.settings.allowedDomains.map((d) => d.toLowerCase());
    if (!email.includes("@") || (allowed.length > 0 && !allowed.includes(domain))) {
      throw ssoProblem(
        "sso-domain-not-allowed",
        `Accounts of ${domain || "this address"} may not sign in here. Use your institution's account.`,
      );
    }
    return email;
  }

  /** A provider failure that is nobody's input error answers 502; the others answer their problem. */
  async #call<T>(provider: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (!(error instanceof SignInRefused)) throw error;
      this.deps.logger.warn(
        { provider, kind: error.kind, cause: String(error.cause ?? "") },
        "sign-in refused",
      );
      if (error.kind === "unreachable") {
        throw new ProviderError(error.message, { provider, retryable: true, cause: error });
      }
      const refusal = REFUSALS[error.kind];
      throw ssoProblem(refusal.type, refusal.detail);
    }
  }
}

/** A single line of at most 120 characters: names go into mail and pages. */
function displayName(name: string | null, email: string): string {
  const clean = (name ?? "")
    .replace(/\p{Cc}|[\u2028\u2029]/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
  return (clean || email.slice(0, email.indexOf("@"))).slice(0, 120);
}
