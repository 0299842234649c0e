import { cp, mkdir, readdir, stat, writeFile } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { DEFAULT_CHOICES, resolveChoices } from "./catalog.js";
import {
  DRIZZLE_CONFIG,
  GITIGNORE,
  lecternConfig,
  type ProjectSpec,
  packageJson,
  readme,
  TSCONFIG,
} from "./files.js";

export interface ScaffoldOptions {
  /** Where the project goes; created, and refused if it exists and is not empty. */
  directory: string;
  /** Plugin ids from the catalog; courses is always added. Defaults to courses, exams, certificates. */
  plugins?: readonly string[];
  institution?: string;
  /** The range written for Lectern's packages, e.g. `^0.1.0`. */
  lecternRange: string;
  /** The folder holding the sample plugin (`template/plugins/bookmarks` in the published package). */
  templateDir: string;
}

export interface ScaffoldResult {
  directory: string;
  name: string;
  plugins: string[];
  files: string[];
}

/** npm's rules for a package name, as a folder name a person would type. */
const PACKAGE_NAME = /^[a-z0-9][a-z0-9._-]{0,213}$/;

export async function scaffold(options: ScaffoldOptions): Promise<ScaffoldResult> {
  const directory = resolve(options.directory);
  const name = basename(directory);
  if (!PACKAGE_NAME.test(name)) {
    throw new Error(
      `"${name}" cannot be an npm package name: use lowercase letters, digits, dots, dashes or underscores.`,
    );
  }
  const existing = await readdir(directory).catch(() => null);
  if (existing && existing.length > 0) {
    throw new Error(`${directory} is not empty: choose a new folder name.`);
  }
  if (!(await stat(join(options.templateDir, "src", "index.ts")).catch(() => null))) {
    throw new Error(`The sample plugin is missing from ${options.templateDir}.`);
  }
  const spec: ProjectSpec = {
    name,
    institution: options.institution?.trim() || "Lectern Campus",
    choices: resolveChoices(options.plugins ?? DEFAULT_CHOICES),
    lecternRange: options.lecternRange,
  };

  const files: Record<string, string> = {
    "package.json": packageJson(spec),
    "lectern.config.ts": lecternConfig(spec),
    "tsconfig.json": TSCONFIG,
    "drizzle.config.ts": DRIZZLE_CONFIG,
    ".gitignore": GITIGNORE,
    "README.md": readme(spec),
  };
  await mkdir(directory, { recursive: true });
  for (const [file, text] of Object.entries(files)) await writeFile(join(directory, file), text);
  const plugin = join(directory, "plugins", "bookmarks");
  await cp(options.templateDir, plugin, { recursive: true });
  return {
    directory,
    name,
    plugins: spec.choices.map((c) => c.id),
    files: [...Object.keys(files), "plugins/bookmarks/"],
  };
}
