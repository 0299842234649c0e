import { describe, expect, it } from "vitest";
import { generateVerificationCode, normaliseCode } from "./code.js";

describe("verification codes", () => {
  it("are three groups of four unambiguous characters", () => {
    for (let i = 0; i < 200; i++) {
      expect(generateVerificationCode()).toMatch(
        /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/,
      );
    }
  });

  it("do not repeat", () => {
    const codes = new Set(Array.from({ length: 10_000 }, generateVerificationCode));
    expect(codes.size).toBe(10_000);
  });

  it("accept what a person types: lowercase, no dashes, spaces, O for 0, I or L for 1", () => {
    expect(normaliseCode("7kq2m9xd4hrt")).toBe("7KQ2-M9XD-4HRT");
    expect(normaliseCode(" 7KQ2 M9XD 4HRT ")).toBe("7KQ2-M9XD-4HRT");
    expect(normaliseCode("oKQ2-M9XD-4HRl")).toBe("0KQ2-M9XD-4HR1");
    expect(normaliseCode("IKQ2-M9XD-4HRT")).toBe("1KQ2-M9XD-4HRT");
    const code = generateVerificationCode();
    expect(normaliseCode(code)).toBe(code);
  });

  it("reject what cannot be a code", () => {
    expect(normaliseCode("")).toBeNull();
    expect(normaliseCode("7KQ2-M9XD")).toBeNull();
    expect(normaliseCode("7KQ2-M9XD-4HRTX")).toBeNull();
    expect(normaliseCode("UKQ2-M9XD-4HRT")).toBeNull();
    expect(normaliseCode("7KQ2-M9XD-4HR!")).toBeNull();
  });
});
