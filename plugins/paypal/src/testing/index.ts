/** Test kit for `@lectern/paypal`: a stateful fake PayPal that signs webhooks with its own certificate. */
export { type SigningCertificate, selfSignedCertificate } from "./certificate.js";
export { FakePayPal, type FakePayPalOptions } from "./fake-paypal.js";
export { PayPalWebhookSigner, type SignedPayPalEvent } from "./signer.js";
