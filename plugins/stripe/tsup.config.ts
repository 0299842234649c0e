import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.ts", "src/fake-stripe.ts"],
  format: ["esm"],
  dts: true,
  clean: true,
});
