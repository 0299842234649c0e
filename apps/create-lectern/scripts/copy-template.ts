/**
 * The starter's sample plugin is the plugin guide's own example (examples/bookmarks-plugin), copied
 * into `template/` when the package is built, so the two never drift apart.
 */
import { cp, rm } from "node:fs/promises";
import { fileURLToPath } from "node:url";

const source = fileURLToPath(new URL("../../../examples/bookmarks-plugin/", import.meta.url));
const target = fileURLToPath(new URL("../template/plugins/bookmarks/", import.meta.url));

await rm(target, { recursive: true, force: true });
for (const part of ["src", "migrations"]) {
  await cp(`${source}${part}`, `${target}${part}`, { recursive: true });
}
console.log(`Copied the sample plugin into ${target}`);
