import { defineConfig } from "vitest/config";
import { spreadSequencer } from "./vitest.sequencer";

const CAMPUS = "@lectern/example-campus";

// One project per package: each folder's own vitest.config.ts (if any) refines it. "docs" compiles
// the documentation's snippets.
export default defineConfig({
  test: {
    // Vitest's default on 2 cores is one file at a time, which leaves a core idle much of the
    // time: two files side by side keep both busy; a third gains nothing (docs/performance.md).
    maxWorkers: 2,
    sequence: { sequencer: spreadSequencer([CAMPUS]) },
    projects: [
      "packages/*",
      "apps/*",
      "plugins/*",
      "examples/*",
      { test: { name: "docs", include: ["scripts/*.test.ts"] } },
    ],
  },
});
