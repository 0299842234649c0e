import { readFile } from "node:fs/promises";
import { relative } from "node:path";
import { createInterface } from "node:readline/promises";
import { parseArgs } from "node:util";
import { CHOICES, DEFAULT_CHOICES } from "./catalog.js";
import { scaffold } from "./scaffold.js";

const HELP = `Usage: npm create lectern@latest <folder> [-- options]

Options:
  --plugins <ids>        comma-separated: ${CHOICES.map((c) => c.id).join(", ")}
                         (default: ${DEFAULT_CHOICES.join(", ")}; courses is always installed)
  --institution <name>   the institution's name on certificates and mail
  --yes                  ask nothing; use the defaults for what is not given
  -h, --help             this help
`;

async function ownVersion(): Promise<string> {
  const manifest = JSON.parse(await readFile(new URL("../package.json", import.meta.url), "utf8"));
  return manifest.version as string;
}

/** Asks for what was not given on the command line, when a person is at the terminal. */
async function ask(folder: string | undefined, plugins: string | undefined, institution: string | undefined) {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const dir = folder ?? ((await rl.question("Project folder (my-campus): ")).trim() || "my-campus");
    let chosen = plugins;
    if (chosen === undefined) {
      console.log("Plugins:");
      for (const choice of CHOICES) console.log(`  ${choice.id.padEnd(16)} ${choice.summary}`);
      chosen = (await rl.question(`Which plugins? (${DEFAULT_CHOICES.join(",")}): `)).trim() || undefined;
    }
    const name =
      institution ?? ((await rl.question("Institution name (Lectern Campus): ")).trim() || undefined);
    return { dir, plugins: chosen, institution: name };
  } finally {
    rl.close();
  }
}

export async function main(argv: string[]): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        plugins: { type: "string" },
        institution: { type: "string" },
        yes: { type: "boolean", short: "y", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    let folder = positionals[0];
    let plugins = values.plugins;
    let institution = values.institution;
    if (!values.yes && process.stdin.isTTY) {
      ({ dir: folder, plugins, institution } = await ask(folder, plugins, institution));
    }
    if (!folder) {
      console.error(`create-lectern: name the project's folder.\n\n${HELP}`);
      return 1;
    }
    const result = await scaffold({
      directory: folder,
      plugins: plugins
        ?.split(",")
        .map((id) => id.trim())
        .filter(Boolean),
      institution,
      lecternRange: `^${await ownVersion()}`,
      templateDir: new URL("../template/plugins/bookmarks", import.meta.url).pathname,
    });
    const where = relative(process.cwd(), result.directory) || ".";
    console.log(`Created ${result.name} with ${result.plugins.join(", ")} and a sample plugin.

Next:
  cd ${where}
  npm install
  npm run dev     # http://localhost:4321/api/docs, demo accounts printed at start
  npm test`);
    return 0;
  } catch (error) {
    console.error(`create-lectern: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
