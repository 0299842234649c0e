import { randomUUID, sign } from "node:crypto";
import { crc32 } from "node:zlib";
import { type SigningCertificate, selfSignedCertificate } from "./certificate.js";

export interface SignedPayPalEvent {
  rawBody: string;
  headers: Record<string, string>;
}

/** Signs webhooks the way PayPal does, with its own key pair and self-signed certificate. */
export class PayPalWebhookSigner {
  readonly certificate: SigningCertificate;

  constructor(
    private readonly webhookId: string,
    now: Date,
  ) {
    const year = 365 * 24 * 3600_000;
    this.certificate = selfSignedCertificate(
      "messageverificationcerts.fake-paypal.test",
      new Date(now.getTime() - 10 * year),
      new Date(now.getTime() + 10 * year),
    );
  }

  /** A signed delivery of `event`; `at` sets the transmission time, `certUrl` where its certificate is. */
  sign(event: Record<string, unknown>, options: { at: Date; certUrl: string }): SignedPayPalEvent {
    const rawBody = JSON.stringify(event);
    const transmissionId = randomUUID();
    const time = options.at.toISOString();
    const message = `${transmissionId}|${time}|${this.webhookId}|${crc32(Buffer.from(rawBody, "utf8"))}`;
    const signature = sign("sha256", Buffer.from(message, "utf8"), this.certificate.privateKey);
    return {
      rawBody,
      headers: {
        "content-type": "application/json",
        "paypal-transmission-id": transmissionId,
        "paypal-transmission-time": time,
        "paypal-transmission-sig": signature.toString("base64"),
        "paypal-cert-url": options.certUrl,
        "paypal-auth-algo": "SHA256withRSA",
      },
    };
  }
}
