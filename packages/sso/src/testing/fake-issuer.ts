import { createHash, randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type CryptoKey, exportJWK, generateKeyPair, type JWTPayload, SignJWT } from "jose";

/** How the token endpoint signs the ID token of one code. */
export interface IssueOptions {
  claims: JWTPayload;
  /** `published`: the key in the JWKS; `other`: a key the JWKS does not hold, under the same `kid`. */
  signWith?: "published" | "other";
  /** Change the payload after signing (the signature no longer matches). */
  tamper?: boolean;
}

export interface FakeIssuer {
  url: string;
  clientId: string;
  clientSecret: string;
  endpoints: { authorization: string; token: string; jwks: string };
  /**
   * Plays the provider's authorization step for the URL the relying party redirected to: checks it
   * asks for a code with PKCE S256, remembers the challenge and nonce, and answers the callback
   * URL (`redirect_uri?code=…&state=…`).
   */
  authorize(authorizationUrl: string, options: IssueOptions): URL;
  close(): Promise<void>;
}

/**
 * A small issuer speaking OpenID Connect's discovery, JWKS and token endpoint, for what a certified
 * provider will not do on purpose: sign with a key it does not publish, or send a tampered token.
 * It also stands in for Google's and Entra's endpoints, whose protocol is the same.
 */
export async function startFakeIssuer(): Promise<FakeIssuer> {
  const published = await generateKeyPair("RS256");
  const other = await generateKeyPair("RS256");
  const jwk = { ...(await exportJWK(published.publicKey)), kid: "k1", use: "sig", alg: "RS256" };
  const clientId = "fake-client";
  const clientSecret = "fake-client-secret";
  const codes = new Map<string, IssueOptions & { challenge: string; nonce: string; redirectUri: string }>();
  const server: Server = createServer(async (req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    const path = new URL(req.url ?? "/", url).pathname;
    if (path === "/.well-known/openid-configuration") {
      return send(200, {
        issuer: url,
        authorization_endpoint: `${url}/authorize`,
        token_endpoint: `${url}/token`,
        jwks_uri: `${url}/jwks`,
        response_types_supported: ["code"],
        subject_types_supported: ["public"],
        id_token_signing_alg_values_supported: ["RS256"],
        code_challenge_methods_supported: ["S256"],
        token_endpoint_auth_methods_supported: ["client_secret_basic"],
      });
    }
    if (path === "/jwks") return send(200, { keys: [jwk] });
    if (path === "/token" && req.method === "POST") {
      let raw = "";
      for await (const chunk of req) raw += chunk;
      const form = new URLSearchParams(raw);
      if (!clientAuthenticated(req.headers.authorization)) return send(401, { error: "invalid_client" });
      const issued = codes.get(form.get("code") ?? "");
      codes.delete(form.get("code") ?? "");
      const verifier = form.get("code_verifier") ?? "";
      if (
        !issued ||
        createHash("sha256").update(verifier).digest("base64url") !== issued.challenge ||
        form.get("redirect_uri") !== issued.redirectUri
      ) {
        return send(400, { error: "invalid_grant" });
      }
      const now = Math.floor(Date.now() / 1000);
      const key: CryptoKey = issued.signWith === "other" ? other.privateKey : published.privateKey;
      let idToken = await new SignJWT({ aud: clientId, iss: url, nonce: issued.nonce, ...issued.claims })
        .setProtectedHeader({ alg: "RS256", kid: "k1" })
        .setIssuedAt(now)
        .setExpirationTime(now + 300)
        .sign(key);
      if (issued.tamper) {
        const [header, payload, signature] = idToken.split(".");
        const claims = JSON.parse(Buffer.from(payload ?? "", "base64url").toString());
        claims.email = "someone.else@northfield.edu";
        idToken = [header, Buffer.from(JSON.stringify(claims)).toString("base64url"), signature].join(".");
      }
      return send(200, { access_token: "at", token_type: "Bearer", expires_in: 300, id_token: idToken });
    }
    send(404, { error: "not_found" });
  });
  /** HTTP Basic with each part form-url-encoded first (RFC 6749, section 2.3.1), as clients send it. */
  function clientAuthenticated(header: string | undefined): boolean {
    const encoded = header?.match(/^Basic (\S+)$/)?.[1];
    if (!encoded) return false;
    const [id = "", secret = ""] = Buffer.from(encoded, "base64").toString().split(":");
    const decode = (part: string) => decodeURIComponent(part.replace(/\+/g, " "));
    return decode(id) === clientId && decode(secret) === clientSecret;
  }
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    clientId,
    clientSecret,
    endpoints: { authorization: `${url}/authorize`, token: `${url}/token`, jwks: `${url}/jwks` },
    authorize(authorizationUrl, options) {
      const asked = new URL(authorizationUrl).searchParams;
      if (asked.get("response_type") !== "code" || asked.get("code_challenge_method") !== "S256") {
        throw new Error(`Not an authorization-code request with PKCE: ${authorizationUrl}`);
      }
      const code = randomBytes(16).toString("hex");
      const redirectUri = asked.get("redirect_uri") ?? "";
      codes.set(code, {
        ...options,
        challenge: asked.get("code_challenge") ?? "",
        nonce: asked.get("nonce") ?? "",
        redirectUri,
      });
      const callback = new URL(redirectUri);
      callback.searchParams.set("code", code);
      callback.searchParams.set("state", asked.get("state") ?? "");
      return callback;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
