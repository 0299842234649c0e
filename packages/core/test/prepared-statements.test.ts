import { sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DatabaseHandle, openDatabase } from "../src/db/index.js";
import { prepareStatements } from "../src/db/prepared.js";
import { createTestDatabase } from "../src/testing/index.js";

const serverUrl = process.env.LECTERN_TEST_DATABASE_URL;

/** The statements this connection has prepared, by text. */
async function preparedOn(run: (text: string) => Promise<unknown[]>): Promise<string[]> {
  const rows = (await run("select statement from pg_prepared_statements")) as { statement: string }[];
  return rows.map((r) => r.statement);
}

describe.skipIf(!serverUrl)("prepared statements on PostgreSQL", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let handle: DatabaseHandle;
  beforeAll(async () => {
    database = await createTestDatabase();
    handle = await openDatabase(database.config);
  });
  afterAll(async () => {
    await handle?.close();
    await database?.drop();
  });

  it("names drizzle's parameterized queries, inside transactions and savepoints too", async () => {
    const seen = await handle.db.transaction(async (tx) => {
      await tx.execute(sql`select ${1}::int + 1 as answer`);
      await tx.transaction(async (inner) => {
        await inner.execute(sql`select ${2}::int + 2 as nested`);
      });
      const rows = await tx.execute(sql`select statement from pg_prepared_statements`);
      return (rows as unknown as { statement: string }[]).map((r) => r.statement);
    });
    expect(seen.some((s) => s.includes("+ 1 as answer"))).toBe(true);
    expect(seen.some((s) => s.includes("+ 2 as nested"))).toBe(true);
  });

  it("stops naming new texts past its limit, and still answers them", async () => {
    const client = postgres((database.config as { url: string }).url, { max: 1, onnotice: () => {} });
    try {
      prepareStatements(client, 2);
      for (const n of [1, 2, 3]) {
        const [row] = await client.unsafe(`select $1::int * ${n} as product`, [7]);
        expect(row?.product).toBe(7 * n);
      }
      const named = await preparedOn((text) => client.unsafe(text));
      expect(named.filter((s) => s.includes("as product"))).toHaveLength(2);
      expect(named.some((s) => s.includes("* 3 as product"))).toBe(false);
    } finally {
      await client.end();
    }
  });
});
