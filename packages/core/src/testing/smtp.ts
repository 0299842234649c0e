import type { AddressInfo } from "node:net";

export interface TestSmtpServer {
  /** Each message received, as the raw RFC 5322 bytes (parse them with `mailparser`). */
  received: Buffer[];
  /** Set `refuse` to answer every message with a temporary failure (451), to test retries. */
  state: { refuse: boolean };
  port: number;
  /** `mail.smtp` settings that send to this server. */
  smtp: { host: string; port: number; secure: false; ignoreTLS: true };
  close(): Promise<void>;
}

/**
 * A real SMTP server on 127.0.0.1 (smtp-server, an optional peer dependency: install it in the
 * package whose tests use this), keeping what it receives, so mail is tested over the wire.
 */
export async function startTestSmtpServer(): Promise<TestSmtpServer> {
  const { SMTPServer } = await import("smtp-server");
  const received: Buffer[] = [];
  const state = { refuse: false };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        if (state.refuse)
          return callback(Object.assign(new Error("mailbox unavailable"), { responseCode: 451 }));
        received.push(Buffer.concat(chunks));
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    received,
    state,
    port,
    smtp: { host: "127.0.0.1", port, secure: false, ignoreTLS: true },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
