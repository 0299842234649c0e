import { ArcticFetchError, CodeChallengeMethod, OAuth2Client, OAuth2RequestError } from "arctic";
import { createRemoteJWKSet, type JWTPayload, errors as joseErrors, jwtVerify } from "jose";
import {
  type FlowSecrets,
  type IdentityClient,
  identityFrom,
  SignInRefused,
  type VerifiedIdentity,
} from "./types.js";

/** Where a well-known provider's endpoints are and how its ID tokens are judged. */
export interface PresetEndpoints {
  authorization: string;
  token: string;
  jwks: string;
}

export interface PresetRules {
  /** Whether `iss` is one this preset accepts (Entra's depends on the tenant in the token). */
  issuer(payload: JWTPayload): boolean;
  emailVerified(claims: Record<string, unknown>): boolean;
}

/**
 * A provider with fixed, published endpoints (Google, Microsoft Entra ID): `arctic`'s OAuth 2.0
 * client sends the browser there with PKCE and redeems the code; the ID token is then checked here,
 * against the provider's JWKS, for issuer, audience, expiry and nonce, exactly as for OIDC.
 */
export class PresetClient implements IdentityClient {
  readonly #jwks;

  constructor(
    private readonly endpoints: PresetEndpoints,
    private readonly rules: PresetRules,
    private readonly credentials: { clientId: string; clientSecret: string },
    private readonly scopes: string[],
  ) {
    this.#jwks = createRemoteJWKSet(new URL(endpoints.jwks));
  }

  #oauth(redirectUri: string) {
    return new OAuth2Client(this.credentials.clientId, this.credentials.clientSecret, redirectUri);
  }

  async authorizationUrl(flow: FlowSecrets): Promise<URL> {
    const url = this.#oauth(flow.redirectUri).createAuthorizationURLWithPKCE(
      this.endpoints.authorization,
      flow.state,
      CodeChallengeMethod.S256,
      flow.codeVerifier,
      this.scopes,
    );
    url.searchParams.set("nonce", flow.nonce);
    return url;
  }

  async verify(callbackUrl: URL, flow: FlowSecrets): Promise<VerifiedIdentity> {
    const params = callbackUrl.searchParams;
    if (params.has("error")) throw new SignInRefused("denied", "The provider did not let you sign in.");
    if (params.get("state") !== flow.state) {
      throw new SignInRefused("token-invalid", "The answer does not belong to this sign-in.");
    }
    const code = params.get("code");
    if (!code) throw new SignInRefused("code-rejected", "The provider sent no sign-in code.");

    let idToken: string;
    try {
      idToken = (
        await this.#oauth(flow.redirectUri).validateAuthorizationCode(
          this.endpoints.token,
          code,
          flow.codeVerifier,
        )
      ).idToken();
    } catch (error) {
      if (error instanceof OAuth2RequestError && error.code === "invalid_grant") {
        throw new SignInRefused("code-rejected", "The sign-in code was already used or has expired.", {
          cause: error,
        });
      }
      if (error instanceof ArcticFetchError || error instanceof OAuth2RequestError) {
        throw new SignInRefused("unreachable", "The sign-in provider could not be reached.", {
          cause: error,
        });
      }
      // Arctic throws a plain Error when the answer holds no `id_token`.
      throw new SignInRefused("token-invalid", "The provider sent no usable ID token.", { cause: error });
    }

    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(idToken, this.#jwks, { audience: this.credentials.clientId }));
    } catch (error) {
      if (error instanceof joseErrors.JOSEError && !(error instanceof joseErrors.JWKSTimeout)) {
        throw new SignInRefused("token-invalid", "The provider's ID token did not pass its checks.", {
          cause: error,
        });
      }
      throw new SignInRefused("unreachable", "The sign-in provider's keys could not be read.", {
        cause: error,
      });
    }
    if (!this.rules.issuer(payload) || payload.nonce !== flow.nonce) {
      throw new SignInRefused("token-invalid", "The provider's ID token did not pass its checks.");
    }
    return identityFrom(payload, this.rules.emailVerified);
  }
}
