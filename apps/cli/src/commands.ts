import {
  type CliIO,
  createLectern,
  DEFAULT_DATA_DIR,
  DEMO_ACCOUNTS,
  DEMO_PASSWORD,
  type Lectern,
  type LecternConfig,
  migrate,
  migrationSources,
  openDatabase,
  ROLES,
  type Role,
} from "@lectern/core";
import { MultiBar, Presets, SingleBar } from "cli-progress";

export interface Output {
  log(line: string): void;
  interactive: boolean;
}

/**
 * Applies pending migrations of the core and every plugin, and says which: the plugins are not
 * started, so a migration is the only thing this command does to the database.
 */
export async function migrateCommand(config: LecternConfig, out: Output): Promise<void> {
  const sources = migrationSources(config.plugins ?? []);
  const database = await openDatabase(config.database ?? { dataDir: DEFAULT_DATA_DIR });
  try {
    const applied = await migrate(database.db, sources);
    if (applied.length === 0) out.log("Nothing to apply: the database is up to date.");
    else
      out.log(
        `Applied ${applied.length} migration${applied.length === 1 ? "" : "s"}:\n  ${applied.join("\n  ")}`,
      );
  } finally {
    await database.close();
  }
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

/** What a plugin's subcommand may print with: a bar on a terminal, a line every 50 steps otherwise. */
export function cliIO(out: Output): CliIO {
  return {
    log: out.log,
    interactive: out.interactive,
    progress(total, label) {
      if (out.interactive) {
        const bar = new SingleBar(
          { format: ` ${label} |{bar}| {value}/{total} {detail}` },
          Presets.shades_classic,
        );
        bar.start(total, 0, { detail: "" });
        return { update: (done, detail = "") => bar.update(done, { detail }), stop: () => bar.stop() };
      }
      let reported = -1;
      return {
        update(done, detail) {
          if (done === reported || (done !== total && done % 50 !== 0)) return;
          out.log(`${done}/${total}${detail ? ` ${detail}` : ""}`);
          reported = done;
        },
        stop() {},
      };
    },
  };
}

/**
 * Runs a subcommand an installed plugin contributes to `core.cliCommands` (with `name` null, lists
 * them). The Lectern boots without a job worker; the command runs the jobs it needs itself.
 */
export async function pluginCommand(
  config: LecternConfig,
  name: string | null,
  args: string[],
  out: Output,
  help: string,
): Promise<number> {
  const lectern = await createLectern({ ...config, worker: false });
  try {
    const commands = lectern.contributions("core.cliCommands");
    const found = commands.find((c) => c.value.name === name);
    if (!found) {
      const listed = commands.map((c) => `  ${c.value.usage}`).join("\n");
      const plugins = listed
        ? `Commands of installed plugins:\n${listed}`
        : "No installed plugin adds commands.";
      if (name === null) out.log(plugins);
      else console.error(`Unknown command "${name}".\n\n${help}\n${plugins}`);
      return name === null ? 0 : 1;
    }
    return await found.value.run({ args, lectern, io: cliIO(out) });
  } finally {
    await lectern.stop();
  }
}
