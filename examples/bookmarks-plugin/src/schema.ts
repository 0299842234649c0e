import { users } from "@lectern/core";
import { index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

// Table names start with the plugin id, so plugins never collide.
export const bookmarks = pgTable(
  "bookmarks_items",
  {
    id: uuid("id").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    url: text("url").notNull(),
    note: text("note").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("bookmarks_items_user_idx").on(t.userId, t.createdAt)],
);
