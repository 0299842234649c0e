import { parseArgs } from "node:util";
import { createLectern, type Lectern, type LecternConfig, type User } from "@lectern/core";
import { Presets, SingleBar } from "cli-progress";
import type { Output } from "./commands.js";

export const CERTIFICATES_HELP = `  certificates approve --course <id> [--admin <email>]
                                  issue every pending certificate of a course, with a progress bar`;

/** What this command needs of `@lectern/certificates`' service; typed here so the CLI does not depend on it. */
interface BatchProgress {
  id: string;
  status: "running" | "completed";
  total: number;
  done: number;
  issued: number;
  skipped: number;
  failed: number;
  failures: { certificateId: string; outcome: "skipped" | "failed"; error: string }[];
}
interface CertificateBatches {
  startBatch(admin: Pick<User, "id" | "role">, input: { courseId: string }): Promise<BatchProgress>;
  getBatch(id: string): Promise<BatchProgress>;
}

/** `lectern certificates <subcommand>`; only when the config installs the certificates plugin. */
export async function certificatesCommand(
  config: LecternConfig,
  args: string[],
  out: Output,
): Promise<number> {
  const [subcommand, ...rest] = args;
  const { values } = parseArgs({
    args: rest,
    options: { course: { type: "string" }, admin: { type: "string" }, config: { type: "string" } },
  });
  if (subcommand !== "approve" || !values.course) {
    throw new Error(`Usage:\n${CERTIFICATES_HELP}`);
  }
  const lectern = await createLectern({ ...config, worker: false });
  try {
    const batch = await approveCourseCertificates(
      lectern,
      { courseId: values.course, admin: values.admin },
      out,
    );
    out.log(
      `Issued ${batch.issued} of ${batch.total} certificates` +
        (batch.skipped ? `, ${batch.skipped} no longer pending` : "") +
        (batch.failed ? `, ${batch.failed} failed` : "") +
        ".",
    );
    for (const failure of batch.failures)
      out.log(`  ${failure.outcome} ${failure.certificateId}: ${failure.error}`);
    return batch.failed > 0 ? 2 : 0;
  } finally {
    await lectern.stop();
  }
}

/**
 * Starts a batch and works the job queue in this process until it is done, drawing its progress;
 * a running server's workers may take chunks too, and the bar follows them just the same.
 */
export async function approveCourseCertificates(
  lectern: Lectern,
  input: { courseId: string; admin?: string },
  out: Output,
): Promise<BatchProgress> {
  if (!lectern.services.has("certificates")) {
    throw new Error(
      "The certificates plugin is not installed: add certificates() to the plugins in your config.",
    );
  }
  const service = lectern.services.get("certificates" as never) as unknown as CertificateBatches;
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
  const bar = out.interactive
    ? new SingleBar(
        { format: " certificates |{bar}| {value}/{total} issued {issued}, failed {failed}" },
        Presets.shades_classic,
      )
    : null;
  bar?.start(batch.total, 0, { issued: 0, failed: 0 });
  let reported = -1;
  const show = (b: BatchProgress) => {
    bar?.update(b.done, { issued: b.issued, failed: b.failed });
    if (!bar && b.done !== reported && (b.done === b.total || b.done % 50 === 0)) {
      out.log(`${b.done}/${b.total}`);
      reported = b.done;
    }
  };
  while (batch.status !== "completed") {
    const working = lectern.jobs.runDue();
    const timer = setInterval(() => void service.getBatch(batch.id).then(show, () => {}), 500);
    const ran = await working.finally(() => clearInterval(timer));
    batch = await service.getBatch(batch.id);
    show(batch);
    if (ran === 0 && batch.status !== "completed") await new Promise((r) => setTimeout(r, 500));
  }
  show(batch);
  bar?.stop();
  return batch;
}
