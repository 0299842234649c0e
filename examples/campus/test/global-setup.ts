import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDatabase } from "@lectern/core/testing";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** Where the first campus start of this run leaves its snapshot (see `campus.ts`). */
    campusSnapshot: { dir: string; databaseUrl: string | null } | undefined;
  }
}

/**
 * One snapshot of the started demo campus per run of the campus's tests: a folder and, in the
 * PostgreSQL pass, a database. Both are removed afterwards. `LECTERN_TEST_TEMPLATES=off` turns it
 * off, as it does the kit's database templates.
 */
export default async function setup(project: TestProject) {
  // As for the kit's templates: every campus starts from nothing, to measure what snapshots save.
  if (process.env.LECTERN_TEST_TEMPLATES === "off") {
    project.provide("campusSnapshot", undefined);
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), "lectern-campus-snapshot-"));
  const database = process.env.LECTERN_TEST_DATABASE_URL ? await createTestDatabase() : null;
  project.provide("campusSnapshot", {
    dir,
    databaseUrl: database ? (database.config as { url: string }).url : null,
  });
  return async () => {
    await database?.drop();
    await rm(dir, { recursive: true, force: true });
  };
}
