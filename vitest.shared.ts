import { defineProject } from "vitest/config";

/** Every package's test settings: PGlite takes seconds to start on a 2-core machine. */
export function packageProject(name: string) {
  return defineProject({
    test: {
      name,
      hookTimeout: 120_000,
      testTimeout: 60_000,
      include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    },
  });
}
