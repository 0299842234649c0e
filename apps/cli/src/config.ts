import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { LecternConfig } from "@lectern/core";

/** Loads `lectern.config.ts` (or the given file): a default export of a config or a function making one. */
export async function loadConfig(path = "lectern.config.ts"): Promise<LecternConfig> {
  const file = resolve(path);
  if (!existsSync(file)) {
    throw new Error(`No config at ${file}. Create lectern.config.ts, or pass --config <file>.`);
  }
  const module = (await import(pathToFileURL(file).href)) as {
    default?: LecternConfig | (() => LecternConfig | Promise<LecternConfig>);
  };
  const exported = module.default;
  if (!exported) throw new Error(`${file} has no default export.`);
  return typeof exported === "function" ? await exported() : exported;
}
