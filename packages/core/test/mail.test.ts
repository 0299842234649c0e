import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { simpleParser } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLectern, createLogger, type Lectern, ManualClock } from "../src/index.js";
import { createTestDatabase, startTestSmtpServer, type TestSmtpServer } from "../src/testing/index.js";

describe("mail over SMTP", () => {
  let smtp: TestSmtpServer;
  let lectern: Lectern;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let files: string;
  const clock = new ManualClock();
  beforeAll(async () => {
    smtp = await startTestSmtpServer();
    database = await createTestDatabase();
    files = await mkdtemp(join(tmpdir(), "lectern-mail-"));
    lectern = await createLectern({
      database: database.config,
      worker: false,
      storage: files,
      logger: createLogger({ level: "silent" }),
      clock,
      mail: {
        from: '"Campus" <campus@example.org>',
        smtp: smtp.smtp,
      },
    });
  });
  afterAll(async () => {
    await lectern.stop();
    await smtp.close();
    await database.drop();
    await rm(files, { recursive: true, force: true });
  });

  it("sends a queued message, with an attachment, to a real SMTP server", async () => {
    const { mail } = lectern.context();
    await lectern.db.transaction((tx) =>
      mail.send(tx, {
        to: "zoe@example.com",
        subject: "Your certificate — Zoë",
        text: "Attached.",
        attachments: [
          {
            filename: "hello.txt",
            contentType: "text/plain",
            content: Buffer.from("hi Zoë").toString("base64"),
          },
        ],
      }),
    );
    expect(smtp.received).toHaveLength(0);
    await lectern.jobs.drain();
    expect(smtp.received).toHaveLength(1);
    const parsed = await simpleParser(smtp.received[0]!);
    expect(parsed.subject).toBe("Your certificate — Zoë");
    expect(parsed.from?.text).toContain("campus@example.org");
    expect(parsed.attachments[0]?.filename).toBe("hello.txt");
    expect(parsed.attachments[0]?.content.toString()).toBe("hi Zoë");
  });

  it("keeps retrying while the server refuses, and delivers once it recovers", async () => {
    smtp.state.refuse = true;
    const before = smtp.received.length;
    await lectern.db.transaction((tx) =>
      lectern.context().mail.send(tx, { to: "a@example.com", subject: "Retry", text: "x" }),
    );
    await lectern.jobs.runDue();
    expect(smtp.received.length).toBe(before);
    expect(await lectern.jobs.failed()).toEqual([]);
    smtp.state.refuse = false;
    clock.advance(5_000); // the first backoff
    await lectern.jobs.drain();
    expect(smtp.received.length).toBe(before + 1);
  });
});

describe("mail with no SMTP server", () => {
  it("writes each message to a folder as an .eml file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "lectern-eml-"));
    const database = await createTestDatabase();
    const lectern = await createLectern({
      database: database.config,
      worker: false,
      storage: join(dir, "files"),
      logger: createLogger({ level: "silent" }),
      mail: { outboxDir: join(dir, "mail") },
    });
    try {
      await lectern.db.transaction((tx) =>
        lectern.context().mail.send(tx, { to: "b@example.com", subject: "Offline", text: "Body" }),
      );
      await lectern.jobs.drain();
      const files = await readdir(join(dir, "mail"));
      expect(files).toHaveLength(1);
      const parsed = await simpleParser(await readFile(join(dir, "mail", files[0]!)));
      expect(parsed.subject).toBe("Offline");
      expect(parsed.to && "text" in parsed.to ? parsed.to.text : "").toContain("b@example.com");
    } finally {
      await lectern.stop();
      await database.drop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
