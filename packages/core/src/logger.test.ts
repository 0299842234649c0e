import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "./logger.js";

describe("the logger", () => {
  it("never writes passwords, tokens, cookies or authorization headers", () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _encoding, callback) {
        lines.push(chunk.toString());
        callback();
      },
    });
    const logger = createLogger({ level: "info", destination });
    logger.info(
      {
        password: "hunter2",
        token: "abc.def",
        smtp: { auth: { user: "mailer", pass: "smtp-secret" } },
        headers: { authorization: "Bearer abc.def", cookie: "lectern_session=abc.def" },
        user: { email: "zoe@example.com", password: "hunter3" },
      },
      "something happened",
    );
    const written = lines.join("");
    for (const secret of ["hunter2", "hunter3", "abc.def", "smtp-secret"])
      expect(written).not.toContain(secret);
    expect(written).toContain("zoe@example.com");
    expect(written).toContain("[redacted]");
  });
});
