import { defineConfig } from "vitest/config";

// One project per package: each folder's own vitest.config.ts (if any) refines it.
export default defineConfig({
  test: {
    projects: ["packages/*", "apps/*", "plugins/*", "examples/*"],
  },
});
