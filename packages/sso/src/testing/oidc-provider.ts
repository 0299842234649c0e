import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair } from "jose";
import Provider from "oidc-provider";

export interface TestAccount {
  email: string;
  email_verified: boolean;
  name: string;
}

export interface TestOidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The account the next sign-in at the provider is made as (as if the person typed its password). */
  signInAs(sub: string, account: TestAccount): void;
  /**
   * Follows a browser's redirects from the provider's authorization URL to the relying party's
   * callback, keeping the provider's cookies, and returns that callback URL (with `code` and `state`).
   */
  authorize(authorizationUrl: string, callbackPrefix: string): Promise<URL>;
  close(): Promise<void>;
}

/**
 * A certified OpenID Provider (`oidc-provider`) on 127.0.0.1: discovery, PKCE, signed ID tokens
 * from its own JWKS, single-use codes. Its login page is replaced by one that signs in as the
 * account chosen with `signInAs`, and consent is granted for openid, email and profile.
 */
export async function startTestOidcProvider(redirectUris: string[], port = 0): Promise<TestOidcProvider> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const accounts = new Map<string, TestAccount>();
  let next: string | null = null;
  const clientId = "lectern-test";
  const clientSecret = "a-test-client-secret-of-enough-length";
  const { privateKey } = await generateKeyPair("RS256", { extractable: true });

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: redirectUris,
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_basic",
      },
    ],
    jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: "test-key", use: "sig", alg: "RS256" }] },
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    findAccount: async (_ctx: unknown, sub: string) => {
      const account = accounts.get(sub);
      return account ? { accountId: sub, claims: async () => ({ sub, ...account }) } : undefined;
    },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    cookies: { keys: ["a-test-cookie-key"] },
    pkce: { required: () => true },
    // The person consented once and for all: the grant covers what the client asks.
    loadExistingGrant: async (ctx: {
      oidc: { client: { clientId: string }; session: { accountId: string } };
    }) => {
      const grant = new provider.Grant({
        clientId: ctx.oidc.client.clientId,
        accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope("openid email profile");
      await grant.save();
      return grant;
    },
  });
  const handle = provider.callback();
  server.on("request", (req, res) => {
    if (req.url?.startsWith("/interaction/")) {
      if (!next) {
        res.statusCode = 400;
        res.end("no account chosen");
        return;
      }
      void provider.interactionFinished(
        req,
        res,
        { login: { accountId: next } },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    handle(req, res);
  });

  return {
    issuer,
    clientId,
    clientSecret,
    signInAs(sub, account) {
      accounts.set(sub, account);
      next = sub;
    },
    async authorize(authorizationUrl, callbackPrefix) {
      const cookies = new Map<string, string>();
      let url = authorizationUrl;
      for (let hop = 0; hop < 10; hop++) {
        if (url.startsWith(callbackPrefix)) return new URL(url);
        const response = await fetch(url, {
          redirect: "manual",
          headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join("; ") },
        });
        for (const line of response.headers.getSetCookie()) {
          const pair = line.split(";")[0] ?? "";
          const at = pair.indexOf("=");
          cookies.set(pair.slice(0, at), pair.slice(at + 1));
        }
        const location = response.headers.get("location");
        if (!location)
          throw new Error(`The provider stopped at ${url}: ${response.status} ${await response.text()}`);
        url = new URL(location, url).toString();
      }
      throw new Error("The provider redirected too many times.");
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
