import { parseArgs } from "node:util";
import type { CliCommand, CliIO, Lectern } from "@lectern/core";
import type { Batch as BatchProgress } from "./service.js";

const USAGE = `certificates approve --course <id> [--admin <email>]
                                  issue every pending certificate of a course, with a progress bar`;

/** `lectern certificates approve --course <id>`: contributed to `core.cliCommands`. */
export const certificatesCliCommand: CliCommand = {
  name: "certificates",
  usage: USAGE,
  summary: "Issue a course's pending certificates",
  async run({ args, lectern, io }) {
    const [subcommand, ...rest] = args;
    const { values } = parseArgs({
      args: rest,
      options: { course: { type: "string" }, admin: { type: "string" }, config: { type: "string" } },
    });
    if (subcommand !== "approve" || !values.course) throw new Error(`Usage:\n  lectern ${USAGE}`);
    const batch = await approveCourseCertificates(
      lectern,
      { courseId: values.course, admin: values.admin },
      io,
    );
    io.log(
      `Issued ${batch.issued} of ${batch.total} certificates` +
        (batch.skipped ? `, ${batch.skipped} no longer pending` : "") +
        (batch.failed ? `, ${batch.failed} failed` : "") +
        ".",
    );
    for (const failure of batch.failures)
      io.log(`  ${failure.outcome} ${failure.certificateId}: ${failure.error}`);
    return batch.failed > 0 ? 2 : 0;
  },
};

/**
 * Starts a batch and works the job queue in this process until it is done, drawing its progress;
 * a running server's workers may take chunks too, and the bar follows them just the same.
 */
export async function approveCourseCertificates(
  lectern: Lectern,
  input: { courseId: string; admin?: string },
  io: CliIO,
): Promise<BatchProgress> {
  const service = lectern.services.get("certificates");
  const { auth } = lectern.context();
  const admin = input.admin
    ? await auth.findUserByEmail(input.admin)
    : (await auth.listUsers({ role: "admin", limit: 1 })).items[0];
  if (admin?.role !== "admin") {
    throw new Error(
      input.admin ? `${input.admin} is not an admin.` : "There is no admin to approve as; pass --admin.",
    );
  }
  let batch = await service.startBatch(admin, { courseId: input.courseId });
  const bar = io.progress(batch.total, "certificates");
  const show = (b: BatchProgress) => bar.update(b.done, `issued ${b.issued}, failed ${b.failed}`);
  while (batch.status !== "completed") {
    const working = lectern.jobs.runDue();
    const timer = setInterval(() => void service.getBatch(batch.id).then(show, () => {}), 500);
    const ran = await working.finally(() => clearInterval(timer));
    batch = await service.getBatch(batch.id);
    show(batch);
    if (ran === 0 && batch.status !== "completed") await new Promise((r) => setTimeout(r, 500));
  }
  show(batch);
  bar.stop();
  return batch;
}
