#!/usr/bin/env node
// tsx lets the CLI load a `lectern.config.ts` (and workspace sources) without a build step.
import { existsSync } from "node:fs";
import { register } from "tsx/esm/api";

register();
const built = new URL("../dist/main.js", import.meta.url);
const { main } = await import(
  existsSync(built) ? built.href : new URL("../src/main.ts", import.meta.url).href
);
process.exitCode = await main(process.argv.slice(2));
