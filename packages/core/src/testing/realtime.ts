import WebSocket from "ws";

export interface TestSocket {
  socket: WebSocket;
  /** Every JSON message received, in order. */
  messages: any[];
  /** Resolves with the first message (already received or to come) that matches. */
  next(match: (message: any) => boolean, timeoutMs?: number): Promise<any>;
  send(value: unknown): void;
  /** Resolves with the close code once the socket closes. */
  closed: Promise<number>;
  close(): void;
}

/**
 * Opens a WebSocket to a started Lectern's `/api/realtime` with a session token (or `headers`,
 * e.g. a cookie); rejects with the HTTP status when the server refuses the upgrade.
 */
export function openTestSocket(
  baseUrl: string,
  options: { token?: string; headers?: Record<string, string>; query?: string } = {},
): Promise<TestSocket> {
  const url = new URL("/api/realtime", baseUrl);
  url.protocol = "ws:";
  if (options.token) url.searchParams.set("token", options.token);
  const socket = new WebSocket(url.toString() + (options.query ?? ""), { headers: options.headers });
  const messages: any[] = [];
  const waiters: { match: (m: any) => boolean; resolve: (m: any) => void }[] = [];
  socket.on("message", (data, isBinary) => {
    // A browser hands binary frames to `onmessage` as Blobs: Lectern's messages are text frames.
    const message = isBinary ? { type: "binary-frame" } : JSON.parse(String(data));
    messages.push(message);
    for (const waiter of [...waiters]) {
      if (waiter.match(message)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(message);
      }
    }
  });
  const closed = new Promise<number>((resolve) => socket.on("close", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    socket.on("unexpected-response", (_req, res) =>
      reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode })),
    );
    socket.on("error", (error) => reject(error));
    socket.on("open", () =>
      resolve({
        socket,
        messages,
        closed,
        send: (value) => socket.send(typeof value === "string" ? value : JSON.stringify(value)),
        close: () => socket.close(),
        next(match, timeoutMs = 5_000) {
          const seen = messages.find(match);
          if (seen) return Promise.resolve(seen);
          return new Promise((res, rej) => {
            const timer = setTimeout(
              () =>
                rej(new Error(`No matching message within ${timeoutMs} ms; got ${JSON.stringify(messages)}`)),
              timeoutMs,
            );
            waiters.push({
              match,
              resolve: (m) => {
                clearTimeout(timer);
                res(m);
              },
            });
          });
        },
      }),
    );
  });
}
