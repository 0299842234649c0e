import { sql } from "drizzle-orm";
import { timestamp } from "drizzle-orm/pg-core";
import type { Executor, Transaction } from "./index.js";

/** A `timestamptz` column read and written as a `Date`: every point in time Lectern stores. */
export const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/**
 * Runs `fn` in a transaction holding the advisory lock `name` (e.g. `"exams.secret"`): instances
 * take turns, and the lock is released when the transaction ends. Inside a caller's transaction the
 * lock is held until that transaction ends. Lock names are namespaced by plugin like everything else.
 */
export async function withAdvisoryLock<T>(
  executor: Executor,
  name: string,
  fn: (tx: Transaction) => Promise<T>,
): Promise<T> {
  return executor.transaction(async (tx) => {
    await advisoryLock(tx as Transaction, name);
    return fn(tx as Transaction);
  });
}

/** Takes the advisory lock `name` in an open transaction, until it ends. */
export async function advisoryLock(tx: Transaction | Executor, name: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${name}, 0))`);
}
