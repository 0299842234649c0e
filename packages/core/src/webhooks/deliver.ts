import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { guardedLookup } from "./address.js";

export interface DeliveryResult {
  ok: boolean;
  status: number | null;
  durationMs: number;
  error?: string;
}

/**
 * POSTs one signed body. Redirects are not followed (a receiver could point us at an inner
 * address); a receiver that does not answer within `timeoutMs` counts as failed.
 */
export function post(
  url: URL,
  body: string,
  headers: Record<string, string>,
  options: { timeoutMs: number; allowed: ReadonlySet<string> },
): Promise<DeliveryResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    const req = send(
      url,
      {
        method: "POST",
        headers: {
          ...headers,
          "content-type": "application/json",
          "content-length": String(Buffer.byteLength(body)),
          "user-agent": "Lectern-Webhooks/1",
        },
        lookup: guardedLookup(options.allowed),
        timeout: options.timeoutMs,
      },
      (res) => {
        res.resume(); // the body is not read: the status decides
        const status = res.statusCode ?? 0;
        const ok = status >= 200 && status < 300;
        resolve({
          ok,
          status,
          durationMs: elapsed(),
          error: ok
            ? undefined
            : status >= 300 && status < 400
              ? `Answered ${status}; redirects are not followed.`
              : `Answered ${status}.`,
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error(`No answer within ${options.timeoutMs} ms.`)));
    req.on("error", (error) =>
      resolve({ ok: false, status: null, durationMs: elapsed(), error: error.message }),
    );
    req.end(body);
  });
}
