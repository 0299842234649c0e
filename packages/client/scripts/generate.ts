import { writeFile } from "node:fs/promises";
import { generateSchemaSource } from "./openapi.js";

const target = new URL("../src/schema.gen.ts", import.meta.url);
await writeFile(target, await generateSchemaSource());
console.log(`Wrote ${target.pathname}`);
