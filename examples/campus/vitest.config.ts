import { defineProject, mergeConfig } from "vitest/config";
import { packageProject } from "../../vitest.shared";

// Browser tours start the whole campus (each on its own port, folder and database), with room for
// the first build.
export default mergeConfig(
  packageProject("@lectern/example-campus"),
  defineProject({
    test: {
      hookTimeout: 420_000,
      testTimeout: 180_000,
      // The first campus start of a run is kept and copied for the others (test/campus.ts).
      globalSetup: ["test/global-setup.ts"],
    },
  }),
);
