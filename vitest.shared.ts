import { defineProject } from "vitest/config";

/** Every package's test settings: PGlite takes seconds to start on a 2-core machine. */
export function packageProject(name: string) {
  return defineProject({
    test: {
      name,
      // A worker runs file after file in one process, so Lectern's modules are imported once per
      // worker, not once per file (half of a package's test time). Test files therefore leave
      // nothing behind: each closes what it opened and restores what it changed.
      isolate: false,
      hookTimeout: 120_000,
      testTimeout: 60_000,
      include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    },
  });
}
