import { readFile, stat } from "node:fs/promises";
import { createLectern, type LecternConfig, ProblemError } from "@lectern/core";
import { cliIO, type Output } from "./commands.js";

/**
 * `lectern users import <file>`: the same import as `POST /api/admin/users/import`, run here with a
 * progress bar; invitations are mailed before the command ends.
 */
export async function usersImportCommand(config: LecternConfig, file: string, out: Output): Promise<number> {
  const lectern = await createLectern({ ...config, worker: false });
  try {
    const size = (await stat(file).catch(() => null))?.size;
    if (size === undefined) throw new Error(`There is no file ${file}.`);
    if (size > lectern.imports.maxBytes) {
      throw new Error(
        `${file} is larger than the import limit of ${Math.round(lectern.imports.maxBytes / 1024)} KiB.`,
      );
    }
    let started: Awaited<ReturnType<typeof lectern.imports.start>>;
    try {
      started = await lectern.imports.start(null, await readFile(file, "utf8"));
    } catch (error) {
      // Problems carry the sentence meant for people (e.g. the expected columns).
      if (error instanceof ProblemError) throw new Error(error.problem.errors?.[0]?.message ?? error.message);
      throw error;
    }
    const bar = cliIO(out).progress(started.total, "Importing users");
    const checked = started.done;
    bar.update(checked);
    await lectern.imports.run(started.id, (done) => bar.update(checked + done));
    bar.stop();
    out.log("Sending invitations…");
    await lectern.jobs.drain();
    const result = (await lectern.imports.get(started.id))!;
    out.log(
      `Imported ${result.total} rows: ${result.created} created, ${result.skipped.length} skipped, ${result.failed.length} failed.`,
    );
    for (const s of result.skipped) out.log(`  line ${s.line} skipped: ${s.reason}`);
    for (const f of result.failed) out.log(`  line ${f.line} failed: ${f.reason}`);
    return result.failed.length > 0 ? 2 : 0;
  } finally {
    await lectern.stop();
  }
}
