import { AccessTokenCache, type IssuedToken } from "@lectern/core";
import { type GatewayContext, ProviderError } from "@lectern/payments";

export interface PayPalClientOptions {
  apiUrl: string;
  clientId: string;
  clientSecret: string;
  timeoutMs: number;
}

export interface PayPalResponse<T = Record<string, unknown>> {
  status: number;
  body: T;
  /** PayPal's first `details[].issue`, e.g. `ORDER_ALREADY_CAPTURED`. */
  issue?: string;
}

/**
 * PayPal's REST API over `fetch`: an OAuth client-credentials token cached until it expires,
 * `PayPal-Request-Id` where the caller gives one, and failures as `ProviderError`s.
 */
export class PayPalClient {
  readonly #token: AccessTokenCache;

  constructor(
    private readonly ctx: GatewayContext,
    private readonly options: PayPalClientOptions,
  ) {
    this.#token = new AccessTokenCache(ctx.clock, () => this.#fetchToken());
  }

  /**
   * Calls the API. 2xx answers and the statuses in `accept` are returned; anything else throws a
   * ProviderError (retryable for 5xx, 429, timeouts and network trouble).
   */
  async request<T = Record<string, unknown>>(
    method: "GET" | "POST",
    path: string,
    init: { body?: unknown; requestId?: string; accept?: number[] } = {},
  ): Promise<PayPalResponse<T>> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.#token.get();
      const response = await this.#fetch(`${this.options.apiUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: "application/json",
          ...(init.body === undefined ? {} : { "content-type": "application/json" }),
          ...(init.requestId ? { "paypal-request-id": init.requestId } : {}),
          // The whole resource, so a replayed request answers what the first one did.
          prefer: "return=representation",
        },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
      // A token revoked before its time: fetch a new one, once.
      if (response.status === 401 && attempt === 0) {
        this.#token.forget();
        continue;
      }
      const body = (await response.json().catch(() => ({}))) as T & {
        details?: Array<{ issue?: string }>;
      };
      if (response.ok || init.accept?.includes(response.status)) {
        return { status: response.status, body, issue: body.details?.[0]?.issue };
      }
      this.ctx.logger.warn(
        {
          status: response.status,
          path: path.replace(/\/[A-Z0-9]{10,}/g, "/…"),
          issue: body.details?.[0]?.issue,
        },
        "PayPal request failed",
      );
      throw new ProviderError(`PayPal answered ${response.status}.`, {
        provider: "paypal",
        retryable: response.status >= 500 || response.status === 429,
        status: response.status,
      });
    }
  }

  async #fetchToken(): Promise<IssuedToken> {
    const basic = Buffer.from(`${this.options.clientId}:${this.options.clientSecret}`).toString("base64");
    const response = await this.#fetch(`${this.options.apiUrl}/v1/oauth2/token`, {
      method: "POST",
      headers: {
        authorization: `Basic ${basic}`,
        "content-type": "application/x-www-form-urlencoded",
        accept: "application/json",
      },
      body: "grant_type=client_credentials",
    });
    const body = (await response.json().catch(() => ({}))) as { access_token?: string; expires_in?: number };
    if (!response.ok || !body.access_token) {
      this.ctx.logger.warn({ status: response.status }, "PayPal refused the client credentials");
      throw new ProviderError(`PayPal refused Lectern's credentials (${response.status}).`, {
        provider: "paypal",
        retryable: response.status >= 500 || response.status === 429,
        status: response.status,
      });
    }
    return { accessToken: body.access_token, expiresIn: body.expires_in ?? 0 };
  }

  async #fetch(url: string, init: RequestInit): Promise<Response> {
    try {
      return await this.ctx.fetch(url, { ...init, signal: AbortSignal.timeout(this.options.timeoutMs) });
    } catch (error) {
      const timedOut = (error as Error).name === "TimeoutError";
      throw new ProviderError(timedOut ? "PayPal did not answer in time." : "PayPal could not be reached.", {
        provider: "paypal",
        retryable: true,
        cause: error,
      });
    }
  }
}
