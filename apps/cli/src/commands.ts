import {
  createLectern,
  DEMO_ACCOUNTS,
  DEMO_PASSWORD,
  type Lectern,
  type LecternConfig,
  ROLES,
  type Role,
} from "@lectern/core";
import { MultiBar, Presets } from "cli-progress";

export interface Output {
  log(line: string): void;
  interactive: boolean;
}

/** Applies pending migrations of the core and every plugin. */
export async function migrateCommand(config: LecternConfig, out: Output): Promise<void> {
  const lectern = await createLectern({ ...config, worker: false, migrate: true });
  await lectern.stop();
  out.log("Database is up to date.");
}

/** Creates the demo accounts and every plugin's demo data, with a progress bar per plugin. */
export async function seedDemo(lectern: Lectern, out: Output): Promise<void> {
  const bars = out.interactive
    ? new MultiBar(
        { format: " {plugin} |{bar}| {value}/{total} {label}", hideCursor: true, clearOnComplete: false },
        Presets.shades_classic,
      )
    : null;
  const byPlugin = new Map<string, ReturnType<MultiBar["create"]>>();
  await lectern.seedDemo((plugin, done, total, label = "") => {
    if (!bars) {
      if (done === total) out.log(`seeded ${plugin}: ${total} ${label}`.trim());
      return;
    }
    let bar = byPlugin.get(plugin);
    if (!bar) {
      bar = bars.create(total, 0, { plugin: plugin.padEnd(14), label });
      byPlugin.set(plugin, bar);
    }
    bar.setTotal(total);
    bar.update(done, { label });
  });
  bars?.stop();
}

export function demoBanner(): string {
  const accounts = DEMO_ACCOUNTS.map((a) => `    ${a.role.padEnd(10)} ${a.email}`).join("\n");
  return `Demo accounts (password "${DEMO_PASSWORD}"):\n${accounts}`;
}

export async function seedCommand(config: LecternConfig, out: Output): Promise<void> {
  const lectern = await createLectern({ ...config, worker: false, demo: true });
  try {
    await seedDemo(lectern, out);
    // Demo data's own follow-ups (mail, handlers) run now, so the campus starts settled.
    await lectern.jobs.drain();
    out.log(demoBanner());
  } finally {
    await lectern.stop();
  }
}

export async function createUserCommand(
  config: LecternConfig,
  input: { role: string; email: string; name: string; password?: string },
  out: Output,
): Promise<void> {
  if (!ROLES.includes(input.role as Role)) throw new Error(`--role must be one of ${ROLES.join(", ")}.`);
  if (input.password !== undefined && input.password.length < 8)
    throw new Error("--password needs at least 8 characters.");
  const lectern = await createLectern({ ...config, worker: false });
  try {
    const user = await lectern.context().auth.createUser({ ...input, role: input.role as Role });
    await lectern.jobs.drain();
    out.log(
      `Created ${user.role} ${user.email} (${user.id})${input.password ? "" : "; an invitation was mailed"}.`,
    );
  } finally {
    await lectern.stop();
  }
}

export async function serveCommand(
  config: LecternConfig,
  options: { port: number; demo: boolean },
  out: Output,
): Promise<Lectern> {
  const lectern = await createLectern({ ...config, demo: options.demo || config.demo });
  if (options.demo || config.demo) await seedDemo(lectern, out);
  const { url } = await lectern.start({ port: options.port });
  out.log(`Lectern is serving ${url}/api (reference at ${url}/api/docs)`);
  if (options.demo || config.demo) out.log(demoBanner());
  return lectern;
}
