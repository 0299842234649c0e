import { createTestLectern, type TestLectern, type TestUser } from "@lectern/core/testing";
import { courses, DEFAULT_ACCEPT } from "@lectern/courses";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captionsToText, htmlToText, markdownToText } from "./extract.js";
import { assistant } from "./index.js";
import { documents, passages } from "./schema.js";
import { publishedCourse, uploadMaterial } from "./test-helpers.js";
import { makeTextPdf } from "./testing.js";

let t: TestLectern;
let admin: TestUser;
let instructor: TestUser;
let courseId: string;

const PHOTOSYNTHESIS = [
  "Photosynthesis is how plants turn light into chemical energy. Chlorophyll in the chloroplasts absorbs red and blue light and reflects green, which is why leaves look green.",
  "The Calvin cycle fixes carbon dioxide into sugar. It runs in the stroma and uses the ATP and NADPH made by the light reactions.",
  "Stomata are small pores on the underside of leaves. They open to let carbon dioxide in and close to save water on hot days.",
];

beforeAll(async () => {
  t = await createTestLectern({
    plugins: [courses({ accept: { document: [...DEFAULT_ACCEPT.document, "text/html"] } }), assistant()],
  });
  admin = await t.createUser("admin");
  instructor = await t.createUser("instructor");
  courseId = (
    await publishedCourse(t, instructor, admin, {
      title: "Plant Biology",
      description: "How plants grow: **photosynthesis**, water transport and the nitrogen cycle.",
    })
  ).id;
  await t.drain();
});
afterAll(() => t.close());

async function passagesOf(materialId: string) {
  return t.lectern.db
    .select({ page: passages.page, content: passages.content, title: passages.title })
    .from(passages)
    .where(eq(passages.materialId, materialId))
    .orderBy(passages.position);
}

async function statusOf(materialId: string) {
  const res = await t.as(instructor).get(`/api/courses/${courseId}/assistant/materials`);
  expect(res.status).toBe(200);
  return res.body.items.find((i: { materialId: string }) => i.materialId === materialId);
}

describe("indexing materials as courses change", () => {
  it("indexes a PDF page by page, keeping page numbers", async () => {
    const id = await uploadMaterial(t, instructor, courseId, {
      title: "Photosynthesis notes",
      bytes: makeTextPdf(PHOTOSYNTHESIS),
      name: "notes.pdf",
    });
    expect(await passagesOf(id)).toEqual([]);
    await t.drain();
    const rows = await passagesOf(id);
    expect(rows.map((r) => r.page)).toEqual([1, 2, 3]);
    expect(rows[1]!.content).toContain("Calvin cycle");
    expect(await statusOf(id)).toMatchObject({ status: "indexed", pages: 3, passages: 3, reason: null });
  });

  it("indexes Markdown, HTML, WebVTT and SRT captions as text, without their markup", async () => {
    const md = await uploadMaterial(t, instructor, courseId, {
      title: "Water transport",
      bytes: Buffer.from(
        "# Xylem\n\nThe **xylem** carries water up from the roots. See [the diagram](http://x.example).\n",
      ),
      name: "water.md",
    });
    const html = await uploadMaterial(t, instructor, courseId, {
      title: "Nitrogen",
      bytes: Buffer.from(
        "<!doctype html><html><body><h1>Nitrogen</h1><script>alert('x')</script><p>Bacteria in root nodules fix nitrogen &amp; feed the plant.</p></body></html>",
      ),
      name: "nitrogen.html",
    });
    const vtt = await uploadMaterial(t, instructor, courseId, {
      title: "Lecture 3 captions",
      bytes: Buffer.from(
        "WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\n<v Prof>Transpiration pulls water through the plant.\n\n2\n00:00:04.000 --> 00:00:07.000\nIt is driven by evaporation from the leaves.\n",
      ),
      name: "lecture3.vtt",
    });
    const srt = await uploadMaterial(t, instructor, courseId, {
      title: "Lecture 4 captions",
      bytes: Buffer.from(
        "1\n00:00:01,000 --> 00:00:03,000\nPhloem moves sugars\n\n2\n00:00:03,000 --> 00:00:05,000\nfrom the leaves to the roots.\n",
      ),
      name: "lecture4.srt",
    });
    await t.drain();
    expect((await passagesOf(md))[0]!.content).toBe(
      "Xylem\n\nThe xylem carries water up from the roots. See the diagram.",
    );
    const nitrogen = (await passagesOf(html))[0]!.content;
    expect(nitrogen).toContain("Bacteria in root nodules fix nitrogen & feed the plant.");
    expect(nitrogen).not.toContain("alert");
    expect((await passagesOf(vtt))[0]!.content).toBe(
      "Transpiration pulls water through the plant. It is driven by evaporation from the leaves.",
    );
    expect((await passagesOf(srt))[0]!.content).toBe("Phloem moves sugars from the leaves to the roots.");
  });

  it("re-indexing changes nothing when nothing changed, and follows a rename", async () => {
    const id = await uploadMaterial(t, instructor, courseId, {
      title: "Stomata",
      bytes: makeTextPdf([PHOTOSYNTHESIS[2]!]),
      name: "stomata.pdf",
    });
    await t.drain();
    const service = t.lectern.context().services.get("assistant");
    expect(await service.indexer.indexMaterial(id)).toEqual({ status: "unchanged" });
    expect(await passagesOf(id)).toHaveLength(1);
    expect((await t.as(instructor).patch(`/api/materials/${id}`, { title: "Leaf pores" })).status).toBe(200);
    await t.drain();
    const rows = await passagesOf(id);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.title).toBe("Leaf pores");
    const docs = await t.lectern.db.select().from(documents).where(eq(documents.materialId, id));
    expect(docs).toHaveLength(1);
  });

  it("marks an encrypted or corrupt PDF not searchable with the reason, and does not retry it", async () => {
    const encrypted = await uploadMaterial(t, instructor, courseId, {
      title: "Locked handout",
      bytes: makeTextPdf(["secret"], { encrypted: true }),
      name: "locked.pdf",
    });
    const corrupt = await uploadMaterial(t, instructor, courseId, {
      title: "Broken handout",
      bytes: Buffer.concat([Buffer.from("%PDF-1.7\n"), Buffer.alloc(2_000, 0x41)]),
      name: "broken.pdf",
    });
    await t.drain();
    expect(await statusOf(encrypted)).toMatchObject({
      status: "failed",
      reason: "The PDF is protected by a password.",
    });
    expect(await statusOf(corrupt)).toMatchObject({
      status: "failed",
      reason: "The file is damaged or not a PDF.",
    });
    expect((await t.lectern.jobs.failed()).filter((j) => j.name.startsWith("assistant."))).toEqual([]);
    const service = t.lectern.context().services.get("assistant");
    expect(await service.indexer.indexMaterial(encrypted)).toEqual({ status: "unchanged" });
  });

  it("indexes the course's description and section titles, and follows their changes", async () => {
    expect(
      (await t.as(instructor).post(`/api/courses/${courseId}/sections`, { title: "Roots and soil" })).status,
    ).toBe(201);
    await t.drain();
    const [row] = await t.lectern.db
      .select({ content: passages.content })
      .from(passages)
      .innerJoin(documents, eq(documents.id, passages.documentId))
      .where(eq(documents.source, `course:${courseId}`));
    expect(row!.content).toContain("nitrogen cycle");
    expect(row!.content).toContain("Sections: Roots and soil.");
  });

  it("removes a deleted material's passages", async () => {
    const id = await uploadMaterial(t, instructor, courseId, {
      title: "Temporary",
      bytes: Buffer.from("Mycorrhizae are fungi that help roots take up phosphorus."),
      name: "temp.txt",
    });
    await t.drain();
    expect(await passagesOf(id)).toHaveLength(1);
    expect((await t.as(instructor).delete(`/api/materials/${id}`)).status).toBe(204);
    await t.drain();
    expect(await passagesOf(id)).toEqual([]);
    expect(await t.lectern.db.select().from(documents).where(eq(documents.materialId, id))).toEqual([]);
  });

  it("deleting a course removes everything indexed from it", async () => {
    const other = await t
      .as(instructor)
      .post("/api/courses", { title: "Draft to delete", description: "Lichens." });
    await uploadMaterial(t, instructor, other.body.id, {
      title: "Lichens",
      bytes: Buffer.from("Lichens are a partnership of a fungus and an alga."),
      name: "lichens.txt",
    });
    expect((await t.as(instructor).post(`/api/courses/${other.body.id}/submit`)).status).toBe(200);
    await t.drain();
    const count = async () =>
      (await t.lectern.db.select().from(passages).where(eq(passages.courseId, other.body.id))).length;
    expect(await count()).toBe(2);
    expect((await t.as(instructor).delete(`/api/courses/${other.body.id}`)).status).toBeLessThan(300);
    await t.drain();
    expect(await count()).toBe(0);
  });
});

describe("extraction", () => {
  it("strips Markdown, HTML and caption markup", () => {
    expect(markdownToText("## Title\n- **bold** and `code` [link](http://a)")).toBe(
      "Title\n- bold and code link",
    );
    expect(htmlToText("<p>a &lt; b</p><style>p{}</style><p>c&#233;</p>")).toBe("a < b\nc\u00e9");
    expect(
      captionsToText(
        "WEBVTT\n\nNOTE hidden\n\n00:00.000 --> 00:01.000\nHello\n\n00:01.000 --> 00:02.000\nHello",
      ),
    ).toBe("Hello");
  });
});
