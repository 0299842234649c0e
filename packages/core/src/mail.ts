import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { buffer } from "node:stream/consumers";
import nodemailer, { type Transporter } from "nodemailer";
import type { Clock } from "./clock.js";
import type { Executor } from "./db/index.js";
import type { JobQueue } from "./jobs.js";
import type { Storage } from "./storage.js";

export interface MailAttachment {
  filename: string;
  contentType?: string;
  /** Base64 content, for small attachments. */
  content?: string;
  /** Or a storage key, read when the mail is sent. */
  storageKey?: string;
}

export interface MailMessage {
  to: string | string[];
  subject: string;
  text: string;
  html?: string;
  attachments?: MailAttachment[];
  /**
   * The notification kind this mail belongs to (`exam.published`): recipients who turned that
   * kind's mail off are left out, and nothing is queued when no one is left.
   */
  notificationKind?: string;
}

/** Answers which of the addresses still want mail of a notification kind. */
export type MailRecipientFilter = (executor: Executor, to: string[], kind: string) => Promise<string[]>;

export interface MailConfig {
  /** The sender, e.g. `"Lectern Campus" <no-reply@campus.example>`. */
  from?: string;
  /** SMTP settings, or an `smtp://` / `smtps://` URL. Without them mail is written to `outboxDir`. */
  smtp?:
    | string
    | {
        host: string;
        port: number;
        secure?: boolean;
        auth?: { user: string; pass: string };
        ignoreTLS?: boolean;
      };
  /** Where `.eml` files go when no SMTP server is configured. Default `.lectern/mail`. */
  outboxDir?: string;
  /** Any nodemailer transport; overrides `smtp` and `outboxDir`. */
  transport?: Transporter;
}

export const MAIL_JOB = "core.mail.send";

/** Mail is queued in the caller's transaction and sent by a job, never inside a request. */
export class Mailer {
  readonly #transport: Transporter;
  readonly #outboxDir: string | null;
  readonly from: string;
  #recipientFilter: MailRecipientFilter | null = null;

  constructor(
    config: MailConfig,
    private readonly jobs: JobQueue,
    private readonly storage: Storage,
    private readonly clock: Clock,
  ) {
    this.from = config.from ?? '"Lectern" <no-reply@lectern.localhost>';
    if (config.transport) {
      this.#transport = config.transport;
      this.#outboxDir = null;
    } else if (config.smtp) {
      this.#transport = nodemailer.createTransport(config.smtp as never);
      this.#outboxDir = null;
    } else {
      this.#transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "crlf" });
      this.#outboxDir = config.outboxDir ?? ".lectern/mail";
    }
    jobs.define<MailMessage>({
      name: MAIL_JOB,
      retry: { attempts: 10, backoffMs: 5_000 },
      run: (message) => this.deliver(message),
    });
  }

  /** Set by the notification centre, so mail respects each user's preferences. */
  filterRecipients(filter: MailRecipientFilter): void {
    this.#recipientFilter = filter;
  }

  async send(executor: Executor, message: MailMessage): Promise<void> {
    if (message.notificationKind && this.#recipientFilter) {
      const to = await this.#recipientFilter(
        executor,
        ([] as string[]).concat(message.to),
        message.notificationKind,
      );
      if (to.length === 0) return;
      message = { ...message, to };
    }
    await this.jobs.enqueue(executor, MAIL_JOB, message);
  }

  /** Queues several messages in one statement; for mail no one can opt out of (invitations). */
  async sendMany(executor: Executor, messages: readonly MailMessage[]): Promise<void> {
    if (messages.some((m) => m.notificationKind)) {
      for (const message of messages) await this.send(executor, message);
      return;
    }
    await this.jobs.enqueueMany(
      executor,
      messages.map((payload) => ({ name: MAIL_JOB, payload })),
    );
  }

  /** Hands one message to the transport now. Called by the mail job. */
  async deliver(message: MailMessage): Promise<void> {
    const attachments = await Promise.all(
      (message.attachments ?? []).map(async (a) => {
        if (a.storageKey) {
          const object = await this.storage.get(a.storageKey);
          if (!object) throw new Error(`Attachment ${a.filename} is missing from storage.`);
          return { filename: a.filename, contentType: a.contentType, content: await buffer(object.body) };
        }
        return {
          filename: a.filename,
          contentType: a.contentType,
          content: Buffer.from(a.content ?? "", "base64"),
        };
      }),
    );
    const info = await this.#transport.sendMail({
      from: this.from,
      to: message.to,
      subject: message.subject,
      text: message.text,
      html: message.html,
      attachments,
    });
    if (this.#outboxDir) {
      await mkdir(this.#outboxDir, { recursive: true });
      const stamp = this.clock.now().toISOString().replace(/[:.]/g, "-");
      await writeFile(
        join(this.#outboxDir, `${stamp}-${info.messageId.replace(/[^A-Za-z0-9@.-]/g, "")}.eml`),
        info.message as Buffer,
      );
    }
  }
}
