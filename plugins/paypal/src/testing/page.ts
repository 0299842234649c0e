import { formatMoney, type Money } from "@lectern/core";

/** The fake's stand-in for PayPal's approval page: "Pay" approves and sends the buyer back. */
export function approvalPage(order: { description: string; amount: Money; cancelUrl: string }): string {
  const price = escapeHtml(formatMoney(order.amount, "en"));
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Pay with PayPal · Test</title>
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:4rem auto;padding:0 1rem;color:#142c8e}
button{font-size:1rem;padding:.7rem 1.4rem;border:0;border-radius:2rem;background:#ffc439;color:#111;cursor:pointer}
.amount{font-size:2rem;font-weight:600}</style></head><body>
<p>PayPal sandbox (test)</p><h1>${escapeHtml(order.description)}</h1><p class="amount">${price}</p>
<p>Signed in as sb-buyer@personal.example.com</p>
<form method="post"><button type="submit">Pay ${price}</button></form>
<p><a href="${escapeHtml(order.cancelUrl)}">Cancel and return</a></p></body></html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
