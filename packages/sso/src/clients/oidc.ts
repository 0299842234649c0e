import * as client from "openid-client";
import {
  type FlowSecrets,
  type IdentityClient,
  identityFrom,
  isLoopback,
  SignInRefused,
  standardEmailVerified,
  type VerifiedIdentity,
} from "./types.js";

export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  scopes: string[];
}

/**
 * A provider found by OpenID Connect discovery, through `openid-client`: authorization code with
 * PKCE (S256), state and nonce checked, and the ID token's signature checked against the
 * provider's published keys (`enableNonRepudiationChecks`), not only its claims.
 */
export class OidcClient implements IdentityClient {
  #configuration: Promise<client.Configuration> | null = null;

  constructor(private readonly settings: OidcSettings) {}

  /** Discovered once and kept; a failed discovery is retried on the next sign-in. */
  #config(): Promise<client.Configuration> {
    if (!this.#configuration) {
      const issuer = new URL(this.settings.issuer);
      const execute = [client.enableNonRepudiationChecks];
      if (issuer.protocol === "http:" && isLoopback(issuer)) execute.push(client.allowInsecureRequests);
      this.#configuration = client
        .discovery(
          issuer,
          this.settings.clientId,
          undefined,
          client.ClientSecretBasic(this.settings.clientSecret),
          { execute, timeout: 10 },
        )
        .catch((error: unknown) => {
          this.#configuration = null;
          throw new SignInRefused("unreachable", "The sign-in provider could not be reached.", {
            cause: error,
          });
        });
    }
    return this.#configuration;
  }

  async authorizationUrl(flow: FlowSecrets): Promise<URL> {
    const config = await this.#config();
    return client.buildAuthorizationUrl(config, {
      redirect_uri: flow.redirectUri,
      scope: this.settings.scopes.join(" "),
      state: flow.state,
      nonce: flow.nonce,
      code_challenge: await client.calculatePKCECodeChallenge(flow.codeVerifier),
      code_challenge_method: "S256",
    });
  }

  async verify(callbackUrl: URL, flow: FlowSecrets): Promise<VerifiedIdentity> {
    const config = await this.#config();
    let claims: (Record<string, unknown> & { sub: string }) | undefined;
    try {
      const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
        expectedState: flow.state,
        expectedNonce: flow.nonce,
        pkceCodeVerifier: flow.codeVerifier,
        idTokenExpected: true,
      });
      claims = tokens.claims();
      // Many providers put only `sub` in the ID token of a code flow and the rest at UserInfo
      // (OIDC Core 5.4); its answer counts only for the subject the verified ID token names.
      if (claims && (claims.email === undefined || claims.email_verified === undefined)) {
        const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
        claims = {
          ...info,
          ...claims,
          email: claims.email ?? info.email,
          email_verified: claims.email_verified ?? info.email_verified,
        };
      }
    } catch (error) {
      throw refusal(error);
    }
    if (!claims) throw new SignInRefused("token-invalid", "The provider sent no ID token.");
    return identityFrom(claims, standardEmailVerified);
  }
}

/** openid-client's errors, sorted by who is at fault: the browser's request, the token, or the provider. */
function refusal(error: unknown): SignInRefused {
  if (error instanceof client.AuthorizationResponseError) {
    return new SignInRefused("denied", "The provider did not let you sign in.", { cause: error });
  }
  if (error instanceof client.ResponseBodyError) {
    return error.error === "invalid_grant"
      ? new SignInRefused("code-rejected", "The sign-in code was already used or has expired.", {
          cause: error,
        })
      : new SignInRefused("unreachable", "The sign-in provider refused the request.", { cause: error });
  }
  if (error instanceof client.ClientError) {
    return new SignInRefused("token-invalid", "The provider's ID token did not pass its checks.", {
      cause: error,
    });
  }
  return new SignInRefused("unreachable", "The sign-in provider could not be reached.", { cause: error });
}
