import { defineConfig } from "vitest/config";

// One project per package: each folder's own vitest.config.ts (if any) refines it. "docs" compiles
// the documentation's snippets.
export default defineConfig({
  test: {
    projects: [
      "packages/*",
      "apps/*",
      "plugins/*",
      "examples/*",
      { test: { name: "docs", include: ["scripts/*.test.ts"] } },
    ],
  },
});
