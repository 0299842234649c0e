import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { generateSchemaSource } from "../scripts/openapi.js";

describe("the generated schema", () => {
  it("matches what the server with the campus's plugins serves (run `pnpm --filter @lectern/client generate`)", async () => {
    const checkedIn = await readFile(new URL("../src/schema.gen.ts", import.meta.url), "utf8");
    const fresh = await generateSchemaSource();
    expect(
      checkedIn === fresh,
      "src/schema.gen.ts is stale: run `pnpm --filter @lectern/client generate`",
    ).toBe(true);
  });
});
