import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.ts", "src/model/index.ts"],
  format: ["esm"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "node20",
  external: ["@lectern/core", "@lectern/courses", "@lectern/exams"],
});
