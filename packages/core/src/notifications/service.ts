import { randomUUID } from "node:crypto";
import { and, count, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Clock } from "../clock.js";
import type { Database, Executor } from "../db/index.js";
import type { DeliveredEvent, EventBus } from "../events.js";
import { problems } from "../http/problem.js";
import { afterTimeAndId, decodeCursor, type Page, toPage } from "../pagination.js";
import type { PluginContext } from "../plugin.js";
import type { Realtime } from "../realtime/service.js";
import { userChannel } from "../realtime/types.js";
import { notificationPreferences, notifications } from "../realtime-schema.js";
import { PluginError } from "../registry.js";
import { users } from "../schema.js";
import type { NotificationKind } from "./kinds.js";

export interface Notification {
  id: string;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  readAt: Date | null;
  createdAt: Date;
}

export interface KindPreference {
  inApp: boolean;
  email: boolean;
}

/** The event a notification's arrival is pushed as on the user's channel. */
export const NOTIFICATION_EVENT = "notification.created";

const toNotification = (row: typeof notifications.$inferSelect): Notification => ({
  id: row.id,
  kind: row.kind,
  title: row.title,
  body: row.body,
  link: row.link,
  readAt: row.readAt,
  createdAt: row.createdAt,
});

/** The notification centre: kinds declared by plugins become stored, pushed, per-user notifications. */
export class Notifications {
  readonly #kinds = new Map<string, { owner: string; kind: NotificationKind }>();

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly events: EventBus,
    private readonly realtime: Realtime,
  ) {}

  /** The kinds installed, with their labels; the preferences page lists these. */
  get kinds(): NotificationKind[] {
    return [...this.#kinds.values()].map((k) => k.kind);
  }

  register(pluginId: string, ctx: PluginContext, kind: NotificationKind): void {
    const existing = this.#kinds.get(kind.kind);
    if (existing) {
      throw new PluginError(
        `Notification kind "${kind.kind}" is declared by both "${existing.owner}" and "${pluginId}".`,
      );
    }
    if (!this.events.isDeclared(kind.event)) {
      throw new PluginError(
        `Plugin "${pluginId}" declares notification kind "${kind.kind}" for event "${kind.event}", which no installed plugin declares.`,
      );
    }
    this.#kinds.set(kind.kind, { owner: pluginId, kind });
    this.events.on(kind.event, `notify-${kind.kind}`, (event: DeliveredEvent<unknown>) =>
      this.#notify(kind, ctx, event),
    );
  }

  async #notify(kind: NotificationKind, ctx: PluginContext, event: DeliveredEvent<unknown>): Promise<void> {
    const data = event.data as never;
    const wanted = await this.#wanting([...new Set(await kind.recipients(data, ctx))], kind.kind, "inApp");
    if (wanted.length === 0) return;
    const facts = kind.facts ? await kind.facts(data, ctx) : undefined;
    if (facts === null) return;
    const title = kind.title(data, facts);
    const body = kind.body(data, facts);
    const link = kind.link?.(data, facts) ?? null;
    const createdAt = event.occurredAt;
    // Idempotent per (event, kind, user): a repeated delivery stores and pushes nothing new.
    const stored = await this.db
      .insert(notifications)
      .values(
        wanted.map((userId) => ({
          id: randomUUID(),
          userId,
          kind: kind.kind,
          eventId: event.id,
          title,
          body,
          link,
          createdAt,
        })),
      )
      .onConflictDoNothing()
      .returning();
    for (const row of stored) {
      await this.realtime.publish({
        eventId: row.id,
        event: NOTIFICATION_EVENT,
        data: toNotification(row),
        at: createdAt,
        channels: [userChannel(row.userId)],
      });
    }
  }

  /** The users among `userIds` who keep `channel` on for the kind (the kind's default without a choice). */
  async #wanting(userIds: string[], kind: string, channel: "inApp" | "email"): Promise<string[]> {
    if (userIds.length === 0) return [];
    const fallback = this.#kinds.get(kind)?.kind.defaults?.[channel] ?? true;
    const choices = await this.db
      .select({ userId: notificationPreferences.userId, on: notificationPreferences[channel] })
      .from(notificationPreferences)
      .where(and(eq(notificationPreferences.kind, kind), inArray(notificationPreferences.userId, userIds)));
    const chosen = new Map(choices.map((c) => [c.userId, c.on]));
    return userIds.filter((id) => chosen.get(id) ?? fallback);
  }

  /**
   * The addresses among `to` whose users still want this kind by mail; addresses of no account
   * are kept. The mailer calls this for messages sent with a `notificationKind`.
   */
  async mailRecipients(executor: Executor, to: string[], kind: string): Promise<string[]> {
    if (to.length === 0) return to;
    const fallback = this.#kinds.get(kind)?.kind.defaults?.email ?? true;
    const rows = await executor
      .select({ email: users.email, on: notificationPreferences.email })
      .from(users)
      .leftJoin(
        notificationPreferences,
        and(eq(notificationPreferences.userId, users.id), eq(notificationPreferences.kind, kind)),
      )
      .where(
        inArray(
          users.email,
          to.map((address) => address.trim().toLowerCase()),
        ),
      );
    const off = new Set(rows.filter((r) => !(r.on ?? fallback)).map((r) => r.email));
    return to.filter((address) => !off.has(address.trim().toLowerCase()));
  }

  async list(
    userId: string,
    query: { unread?: boolean; limit: number; cursor?: string },
  ): Promise<Page<Notification> & { unreadCount: number }> {
    const after = decodeCursor(query.cursor);
    const rows = await this.db
      .select()
      .from(notifications)
      .where(
        and(
          eq(notifications.userId, userId),
          query.unread ? isNull(notifications.readAt) : undefined,
          afterTimeAndId(after, notifications.createdAt, notifications.id, "desc"),
        ),
      )
      .orderBy(desc(notifications.createdAt), desc(notifications.id))
      .limit(query.limit + 1);
    const [unread] = await this.db
      .select({ n: count() })
      .from(notifications)
      .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)));
    return {
      ...toPage(rows, query.limit, (r) => [r.createdAt.toISOString(), r.id], toNotification),
      unreadCount: Number(unread?.n ?? 0),
    };
  }

  async markRead(userId: string, id: string): Promise<Notification> {
    const [row] = await this.db
      .update(notifications)
      .set({ readAt: sql`coalesce(${notifications.readAt}, ${this.clock.now().toISOString()}::timestamptz)` })
      .where(and(eq(notifications.id, id), eq(notifications.userId, userId)))
      .returning();
    if (!row) throw problems.notFound("There is no such notification.");
    return toNotification(row);
  }

  async markAllRead(userId: string): Promise<void> {
    await this.db
      .update(notifications)
      .set({ readAt: this.clock.now() })
      .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)));
  }

  async preferences(userId: string): Promise<Record<string, KindPreference & { label: string }>> {
    const rows = await this.db
      .select()
      .from(notificationPreferences)
      .where(eq(notificationPreferences.userId, userId));
    const chosen = new Map(rows.map((r) => [r.kind, r]));
    return Object.fromEntries(
      this.kinds.map((kind) => {
        const row = chosen.get(kind.kind);
        return [
          kind.kind,
          {
            label: kind.label,
            inApp: row?.inApp ?? kind.defaults?.inApp ?? true,
            email: row?.email ?? kind.defaults?.email ?? true,
          },
        ];
      }),
    );
  }

  async setPreferences(userId: string, kinds: Record<string, Partial<KindPreference>>) {
    const unknown = Object.keys(kinds).filter((k) => !this.#kinds.has(k));
    if (unknown.length > 0) {
      throw problems.validation(
        unknown.map((k) => ({ path: `kinds.${k}`, message: "There is no such notification kind." })),
      );
    }
    const current = await this.preferences(userId);
    const now = this.clock.now();
    const rows = Object.entries(kinds).map(([kind, choice]) => ({
      userId,
      kind,
      inApp: choice.inApp ?? current[kind]!.inApp,
      email: choice.email ?? current[kind]!.email,
      updatedAt: now,
    }));
    if (rows.length > 0) {
      await this.db
        .insert(notificationPreferences)
        .values(rows)
        .onConflictDoUpdate({
          target: [notificationPreferences.userId, notificationPreferences.kind],
          set: {
            inApp: sql`excluded.in_app`,
            email: sql`excluded.email`,
            updatedAt: sql`excluded.updated_at`,
          },
        });
    }
    return this.preferences(userId);
  }
}
