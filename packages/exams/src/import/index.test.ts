import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { detectFormat, importQuestions, NoImportableQuestionsError, QuestionImportError } from "./index.js";

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");

describe("importQuestions", () => {
  it("detects Aiken and GIFT", () => {
    expect(detectFormat(fixture("geography.aiken"))).toBe("aiken");
    expect(detectFormat(fixture("biology.gift"))).toBe("gift");
    expect(detectFormat(fixture("moodle-docs.gift"))).toBe("gift");
    expect(importQuestions(fixture("geography.aiken")).format).toBe("aiken");
    expect(importQuestions(fixture("biology.gift")).format).toBe("gift");
  });

  it("uses the format it is told", () => {
    // Valid Aiken read as GIFT is a description followed by nothing GIFT can use.
    expect(() => importQuestions(fixture("geography.aiken"), { format: "gift" })).toThrow(
      NoImportableQuestionsError,
    );
  });

  it("returns every question even beyond an exam's maxQuestions: the caller decides", () => {
    const many = Array.from({ length: 12 }, (_, i) => `Question ${i} {T}`).join("\n\n");
    expect(importQuestions(many).questions).toHaveLength(12);
  });

  it("throws a distinct error, with the warnings, when nothing is importable", () => {
    try {
      importQuestions(fixture("unsupported-only.gift"));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(NoImportableQuestionsError);
      expect(error).not.toBeInstanceOf(QuestionImportError);
      expect((error as NoImportableQuestionsError).warnings).toEqual([
        { line: 3, message: "Matching questions (->) are not supported; skipped." },
        { line: 9, message: "Essay questions ({}) are not supported; skipped." },
      ]);
    }
    expect(() => importQuestions("")).toThrow("No question was found in this gift text.");
  });

  it("passes syntax errors through with their line", () => {
    expect(() => importQuestions(fixture("syntax-error.gift"))).toThrow(QuestionImportError);
  });
});
