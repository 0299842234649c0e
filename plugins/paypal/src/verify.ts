import { type KeyObject, verify, X509Certificate } from "node:crypto";
import { crc32 } from "node:zlib";
import { type GatewayContext, WebhookSignatureError } from "@lectern/payments";

export interface VerifierOptions {
  webhookId: string;
  /**
   * Where certificates may come from: `https://*.paypal.com` (the default), or an exact origin
   * such as a local fake's `http://127.0.0.1:41234` given explicitly in tests.
   */
  certOrigins: string[];
  toleranceSeconds: number;
  timeoutMs: number;
}

/** Certificates kept at most; PayPal rotates them rarely, so a handful is plenty. */
const CACHE_SIZE = 16;

/**
 * PayPal's webhook signature checked offline, as PayPal documents it: SHA256withRSA over
 * `<transmission id>|<transmission time>|<webhook id>|<CRC32 of the raw body, decimal>` with the
 * public key of the certificate at `PAYPAL-CERT-URL`. The certificate is fetched only from
 * allow-listed origins and cached, so a webhook costs no call to PayPal.
 */
export class WebhookVerifier {
  readonly #certificates = new Map<string, Promise<KeyObject>>();

  constructor(
    private readonly ctx: GatewayContext,
    private readonly options: VerifierOptions,
  ) {}

  async verify(rawBody: string, headers: Record<string, string>): Promise<void> {
    const transmissionId = headers["paypal-transmission-id"];
    const time = headers["paypal-transmission-time"];
    const signature = headers["paypal-transmission-sig"];
    const certUrl = headers["paypal-cert-url"];
    const algorithm = headers["paypal-auth-algo"];
    if (!transmissionId || !time || !signature || !certUrl || !algorithm) {
      throw new WebhookSignatureError("PayPal's transmission headers are missing.");
    }
    if (algorithm !== "SHA256withRSA") throw new WebhookSignatureError("Unsupported PAYPAL-AUTH-ALGO.");
    const sentAt = Date.parse(time);
    const ageSeconds = Math.abs(this.ctx.clock.now().getTime() - sentAt) / 1000;
    if (Number.isNaN(sentAt) || ageSeconds > this.options.toleranceSeconds) {
      throw new WebhookSignatureError("The PayPal transmission is too old.");
    }
    if (!this.allowed(certUrl)) throw new WebhookSignatureError("PAYPAL-CERT-URL is not a PayPal address.");
    const key = await this.#certificate(certUrl);
    const message = `${transmissionId}|${time}|${this.options.webhookId}|${crc32(Buffer.from(rawBody, "utf8"))}`;
    let valid = false;
    try {
      valid = verify("sha256", Buffer.from(message, "utf8"), key, Buffer.from(signature, "base64"));
    } catch {
      valid = false;
    }
    if (!valid) throw new WebhookSignatureError("The PayPal signature does not verify.");
  }

  /** Whether a certificate URL's origin is allow-listed (`*.` matches any subdomain, not the domain). */
  allowed(certUrl: string): boolean {
    let url: URL;
    try {
      url = new URL(certUrl);
    } catch {
      return false;
    }
    if (url.username || url.password) return false;
    return this.options.certOrigins.some((origin) => {
      const match = /^(https?):\/\/(\*\.)?([^/:]+)(?::(\d+))?$/.exec(origin);
      if (!match || url.protocol !== `${match[1]}:`) return false;
      const [, , wildcard, host, port] = match;
      if (url.port !== (port ?? "")) return false;
      return wildcard ? url.hostname.endsWith(`.${host}`) : url.hostname === host;
    });
  }

  #certificate(certUrl: string): Promise<KeyObject> {
    const cached = this.#certificates.get(certUrl);
    if (cached) return cached;
    const loading = this.#load(certUrl);
    if (this.#certificates.size >= CACHE_SIZE) {
      this.#certificates.delete(this.#certificates.keys().next().value!);
    }
    this.#certificates.set(certUrl, loading);
    // A failed download is not remembered: the next delivery tries again.
    loading.catch(() => this.#certificates.delete(certUrl));
    return loading;
  }

  async #load(certUrl: string): Promise<KeyObject> {
    let pem: string;
    try {
      const response = await this.ctx.fetch(certUrl, {
        redirect: "error",
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      if (!response.ok) throw new Error(`status ${response.status}`);
      pem = await response.text();
    } catch (error) {
      this.ctx.logger.warn({ certUrl, err: error }, "PayPal webhook certificate could not be fetched");
      throw new WebhookSignatureError("PayPal's certificate could not be fetched.", { cause: error });
    }
    let certificate: X509Certificate;
    try {
      certificate = new X509Certificate(pem);
    } catch (error) {
      throw new WebhookSignatureError("PAYPAL-CERT-URL does not hold a certificate.", { cause: error });
    }
    const now = this.ctx.clock.now().getTime();
    if (Date.parse(certificate.validFrom) > now || Date.parse(certificate.validTo) < now) {
      throw new WebhookSignatureError("PayPal's certificate is not valid now.");
    }
    return certificate.publicKey;
  }
}
