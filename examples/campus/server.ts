import { demoBanner, seedDemo } from "@lectern/cli";
import { createLectern } from "@lectern/core";
import config, { branding, institution } from "./lectern.config.js";
import { ensureSiteBuilt, mountSite } from "./site.js";

// One process: Lectern's API under /api and the campus site (Astro, server-rendered) beside it.
const demo = process.argv.includes("--demo") || process.env.LECTERN_DEMO === "true";
const port = Number(process.env.PORT ?? 4321);
const out = { log: (line: string) => console.log(line), interactive: Boolean(process.stdout.isTTY) };

await ensureSiteBuilt(out.log);
const lectern = await createLectern({ ...config, demo });
if (demo) await seedDemo(lectern, out);
// The site offers only what is installed: it never calls a plugin's routes that are not there.
await mountSite(
  lectern,
  branding,
  config.plugins.map((plugin) => plugin.definition.id),
  institution,
);

const { url } = await lectern.start({ port });
console.log(`\nLectern campus is running at ${url}\nAPI reference: ${url}/api/docs`);
if (demo) console.log(`\n${demoBanner()}\n`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, async () => {
    await lectern.stop();
    process.exit(0);
  });
}
