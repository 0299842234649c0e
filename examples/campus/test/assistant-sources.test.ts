import { describe, expect, it } from "vitest";
import { sourceHref, sourcePlace } from "../src/components/assistant/chat.js";

const base = { materialId: "m1", courseId: "c1", title: "Lecture 5", excerpt: "…" };

describe("where an assistant's source opens and how it is named", () => {
  it("opens a PDF at its page and captions at their moment", () => {
    expect(sourceHref({ ...base, page: 3 })).toBe("/api/materials/m1/content#page=3");
    expect(sourceHref({ ...base, at: 725 })).toBe("/api/materials/m1/content#t=725");
    expect(sourceHref({ ...base, materialId: null })).toBe("/courses/c1");
  });

  it("names the page or the moment after the title", () => {
    expect(sourcePlace({ ...base, page: 3 })).toBe(", page 3");
    expect(sourcePlace({ ...base, at: 725 })).toBe(", at 12:05");
    expect(sourcePlace({ ...base, at: 0 })).toBe(", at 00:00");
    expect(sourcePlace({ ...base, at: 3723 })).toBe(", at 1:02:03");
    expect(sourcePlace(base)).toBe("");
  });
});
