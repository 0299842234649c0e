import { demoBanner, seedDemo } from "@lectern/cli";
import { createLectern } from "@lectern/core";
import config from "./lectern.config.js";
import { homePage } from "./src/home.js";

// One process: Lectern's API under /api and the campus pages beside it.
const demo = process.argv.includes("--demo") || process.env.LECTERN_DEMO === "true";
const port = Number(process.env.PORT ?? 4321);
const out = { log: (line: string) => console.log(line), interactive: Boolean(process.stdout.isTTY) };

const lectern = await createLectern({ ...config, demo });
if (demo) await seedDemo(lectern, out);
lectern.app.get("/", (c) => c.html(homePage()));

const { url } = await lectern.start({ port });
console.log(`\nLectern campus is running at ${url}\nAPI reference: ${url}/api/docs`);
if (demo) console.log(`\n${demoBanner()}\n`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, async () => {
    await lectern.stop();
    process.exit(0);
  });
}
