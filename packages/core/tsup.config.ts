import { cp, mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { defineConfig } from "tsup";

// Swagger UI's assets are copied into the package, so swagger-ui-dist (and the telemetry
// postinstall it depends on) stays a dev dependency. Apache-2.0: its LICENSE and NOTICE go along.
async function copySwaggerUi() {
  const from = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
  await mkdir("swagger-ui", { recursive: true });
  for (const file of ["swagger-ui.css", "swagger-ui-bundle.js", "LICENSE", "NOTICE"]) {
    await cp(join(from, file), join("swagger-ui", file));
  }
}

export default defineConfig({
  entry: ["src/index.ts", "src/testing/index.ts"],
  format: ["esm"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "node20",
  onSuccess: copySwaggerUi,
});
