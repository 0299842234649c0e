import { and, eq } from "drizzle-orm";
import type { Clock } from "./clock.js";
import type { Database, Executor } from "./db/index.js";
import { settings } from "./schema.js";

/** A plugin's own small key/value store, kept in PostgreSQL. */
export class Settings {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly plugin: string,
  ) {}

  async get<T>(key: string, executor: Executor = this.db): Promise<T | null> {
    const [row] = await executor
      .select({ value: settings.value })
      .from(settings)
      .where(and(eq(settings.plugin, this.plugin), eq(settings.key, key)))
      .limit(1);
    return row ? (row.value as T) : null;
  }

  async set(key: string, value: unknown, executor: Executor = this.db): Promise<void> {
    const updatedAt = this.clock.now();
    await executor
      .insert(settings)
      .values({ plugin: this.plugin, key, value, updatedAt })
      .onConflictDoUpdate({ target: [settings.plugin, settings.key], set: { value, updatedAt } });
  }
}
