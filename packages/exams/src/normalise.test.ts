import { describe, expect, it } from "vitest";
import { normaliseAnswer } from "./normalise.js";

describe("normaliseAnswer", () => {
  it("trims and collapses inner whitespace, including non-breaking and ideographic spaces", () => {
    expect(normaliseAnswer("  New \t York\n City ")).toBe("new york city");
    expect(normaliseAnswer("New\u00A0York\u3000City")).toBe("new york city");
  });

  it("folds case fully, not just lower-casing", () => {
    expect(normaliseAnswer("STRASSE")).toBe(normaliseAnswer("straße"));
    expect(normaliseAnswer("Straße")).toBe("strasse");
    expect(normaliseAnswer("ẞ")).toBe("ss");
  });

  it("treats final sigma like sigma", () => {
    expect(normaliseAnswer("ΟΔΟΣ")).toBe(normaliseAnswer("οδος"));
    expect(normaliseAnswer("οδός")).toBe(normaliseAnswer("ΟΔΌΣ"));
    expect(normaliseAnswer("ς")).toBe("σ");
  });

  it("matches a capital dotted İ with i", () => {
    expect(normaliseAnswer("İstanbul")).toBe("istanbul");
  });

  it("applies NFKC: composed and decomposed forms, ligatures, full-width letters", () => {
    expect(normaliseAnswer("Cafe\u0301")).toBe(normaliseAnswer("Café"));
    expect(normaliseAnswer("ﬁsh")).toBe("fish");
    expect(normaliseAnswer("ＰＡＲＩＳ")).toBe("paris");
    expect(normaliseAnswer("H₂O")).toBe("h2o");
  });

  it("ignores invisible characters", () => {
    expect(normaliseAnswer("mito\u00ADchondrion")).toBe("mitochondrion");
    expect(normaliseAnswer("\uFEFFpar\u200Bis")).toBe("paris");
  });

  it("keeps what distinguishes answers: accents, punctuation, digits", () => {
    expect(normaliseAnswer("résumé")).not.toBe(normaliseAnswer("resume"));
    expect(normaliseAnswer("3:1")).toBe("3:1");
    expect(normaliseAnswer("")).toBe("");
  });
});
