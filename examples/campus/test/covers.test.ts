import { brotliDecompressSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { renderCoverSvg } from "../cover-art.js";
import { CoverCache } from "../covers.js";
import { coverSrc, coverVersion, subjectOf } from "../src/lib/covers.js";

const python = { title: "Python for Everyone", tags: ["python", "programming"], primaryColor: "#4338ca" };

describe("generated course covers", () => {
  it("draws the title as paths in the brand colour, differently per subject", async () => {
    const svg = await renderCoverSvg(python);
    expect(svg).toMatch(/^<svg width="640" height="360"/);
    expect(svg).toContain('stop-color="#4338ca"');
    // Text is drawn as glyph outlines: no <text>, so no font is needed to show it.
    expect(svg).not.toContain("<text");
    expect(svg.length).toBeLessThan(40_000);
    const other = await renderCoverSvg({ ...python, title: "Statistics You Can Use", tags: ["statistics"] });
    expect(other).not.toBe(svg);
    expect(await renderCoverSvg({ ...python, primaryColor: "#0f766e" })).toContain('stop-color="#0f766e"');
  });

  it("names a subject from the first tag that has one, and versions everything drawn", () => {
    expect(subjectOf(["python", "data-science"])).toBe("code");
    expect(subjectOf(["statistics"])).toBe("data");
    expect(subjectOf(["cooking"])).toBe("general");
    const v = coverVersion(python);
    expect(coverVersion({ ...python })).toBe(v);
    expect(coverVersion({ ...python, title: "Python for Some" })).not.toBe(v);
    expect(coverVersion({ ...python, primaryColor: "#000000" })).not.toBe(v);
    expect(coverSrc({ id: "c1", ...python }, python.primaryColor)).toBe(`/covers/c1.svg?v=${v}`);
    expect(coverSrc({ id: "c1", ...python, coverUrl: "/api/courses/c1/cover" }, "#000")).toBe(
      "/api/courses/c1/cover",
    );
  });

  it("draws each version once, compressed, and keeps only the most recently used", async () => {
    const cache = new CoverCache(2);
    const draw = (title: string) => () => renderCoverSvg({ ...python, title });
    const [a, again] = await Promise.all([cache.get("a", draw("A")), cache.get("a", draw("A"))]);
    expect(again).toBe(a);
    expect(cache.rendered).toBe(1);
    expect(brotliDecompressSync(a.br).equals(a.svg)).toBe(true);
    await cache.get("b", draw("B"));
    await cache.get("a", draw("A")); // "a" is now the most recent
    await cache.get("c", draw("C")); // so "b" goes
    expect(cache.size).toBe(2);
    expect(cache.rendered).toBe(3);
    await cache.get("a", draw("A"));
    expect(cache.rendered).toBe(3);
    await cache.get("b", draw("B"));
    expect(cache.rendered).toBe(4);
  });
});
