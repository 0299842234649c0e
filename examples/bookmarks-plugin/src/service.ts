import { randomUUID } from "node:crypto";
import { type Executor, type PluginContext, problems, type Transaction, type User } from "@lectern/core";
import { desc, eq } from "drizzle-orm";
import { bookmarks } from "./schema.js";

export interface Bookmark {
  id: string;
  url: string;
  note: string;
  createdAt: Date;
}

export interface BookmarksOptions {
  maxPerUser: number;
}

/** The rules live here; routes only validate, authorize and call these. */
export class BookmarksService {
  constructor(private readonly ctx: PluginContext<BookmarksOptions>) {}

  async add(user: User, input: { url: string; note?: string }): Promise<Bookmark> {
    const { db, clock, events, options } = this.ctx;
    return db.transaction(async (tx) => {
      const existing = await tx.$count(bookmarks, eq(bookmarks.userId, user.id));
      if (existing >= options.maxPerUser) {
        throw problems.conflict(`You already keep ${options.maxPerUser} bookmarks; remove one first.`);
      }
      const [row] = await tx
        .insert(bookmarks)
        .values({
          id: randomUUID(),
          userId: user.id,
          url: input.url,
          note: input.note ?? "",
          createdAt: clock.now(),
        })
        .returning();
      // Written in the same transaction: the event exists exactly when the bookmark does.
      await events.emit(tx, "bookmark.created", { bookmarkId: row!.id, userId: user.id });
      return { id: row!.id, url: row!.url, note: row!.note, createdAt: row!.createdAt };
    });
  }

  async list(user: User): Promise<Bookmark[]> {
    return this.ctx.db
      .select({ id: bookmarks.id, url: bookmarks.url, note: bookmarks.note, createdAt: bookmarks.createdAt })
      .from(bookmarks)
      .where(eq(bookmarks.userId, user.id))
      .orderBy(desc(bookmarks.createdAt));
  }

  /** Everything kept about a person, for their data export (the `core.privacy` contribution). */
  async exportFor(executor: Executor, userId: string) {
    return executor
      .select({ url: bookmarks.url, note: bookmarks.note, createdAt: bookmarks.createdAt })
      .from(bookmarks)
      .where(eq(bookmarks.userId, userId));
  }

  /** Deletes a person's bookmarks, in the erasure's transaction. */
  async eraseFor(tx: Transaction, userId: string): Promise<void> {
    await tx.delete(bookmarks).where(eq(bookmarks.userId, userId));
  }
}
