import { rowsOf } from "@lectern/core";
import { createTestLectern, type TestLectern, type TestUser } from "@lectern/core/testing";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makePdf, makeWav } from "./demo-files.js";
import { courses, DEFAULT_ACCEPT } from "./index.js";
import { materials } from "./schema.js";
import { courseBody, form, publishedCourse, storedFiles } from "./test-helpers.js";

const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');

let t: TestLectern;
let admin: TestUser;
let owner: TestUser;
let otherInstructor: TestUser;
let enrolled: TestUser;
let stranger: TestUser;
let courseId: string;

beforeAll(async () => {
  t = await createTestLectern({
    plugins: [
      courses({
        limits: { pdf: 64 * 1024, video: 256 * 1024, document: 32 * 1024 },
        accept: { document: [...DEFAULT_ACCEPT.document, "image/svg+xml"] },
      }),
    ],
  });
  admin = await t.createUser("admin");
  owner = await t.createUser("instructor", { name: "Olga Owner" });
  otherInstructor = await t.createUser("instructor");
  enrolled = await t.createUser("student");
  stranger = await t.createUser("student");
  courseId = (await publishedCourse(t, owner, admin, { title: "Materials 101" })).id;
  expect((await t.as(enrolled).post(`/api/courses/${courseId}/enroll`)).status).toBe(201);
});
afterAll(() => t.close());

async function upload(
  user: TestUser,
  fields: Record<string, string>,
  bytes: Uint8Array,
  name = "file.bin",
  id = courseId,
) {
  return t.as(user).post(`/api/courses/${id}/materials`, form(fields, { bytes, name }));
}

async function materialRows() {
  return t.lectern.db.select().from(materials).where(eq(materials.courseId, courseId));
}

describe("uploading materials", () => {
  it("the owner uploads a PDF: streamed to storage, typed by its bytes, served to enrolled students", async () => {
    const pdf = makePdf("Week 1 reading", ["Line one", "Line two"]);
    const res = await upload(
      owner,
      { title: "Week 1 reading", kind: "pdf", required: "true" },
      pdf,
      "reading.txt",
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      courseId,
      sectionId: null,
      title: "Week 1 reading",
      kind: "pdf",
      required: true,
      size: pdf.length,
      contentType: "application/pdf",
      position: 1,
      url: `/api/materials/${res.body.id}/content`,
    });

    const content = await t.as(enrolled).get(`/api/materials/${res.body.id}/content`);
    expect(content.status).toBe(200);
    expect(content.headers.get("content-type")).toBe("application/pdf");
    expect(content.headers.get("accept-ranges")).toBe("bytes");
    expect(content.headers.get("content-length")).toBe(String(pdf.length));
    expect(content.headers.get("content-disposition")).toMatch(/^inline; filename="reading.txt"/);
    expect(Buffer.compare(content.body, pdf)).toBe(0);
  });

  it("serves byte ranges so a video player can seek, and 416 outside the file", async () => {
    const wav = makeWav([440], 1);
    const created = await upload(owner, { title: "Listening", kind: "video" }, wav, "tone.wav");
    expect(created.status).toBe(201);
    expect(created.body.contentType).toBe("audio/wav");
    const path = `/api/materials/${created.body.id}/content`;

    const middle = await t.as(enrolled).get(path, { headers: { range: "bytes=100-199" } });
    expect(middle.status).toBe(206);
    expect(middle.headers.get("content-range")).toBe(`bytes 100-199/${wav.length}`);
    expect(middle.headers.get("content-length")).toBe("100");
    expect(Buffer.compare(middle.body, wav.subarray(100, 200))).toBe(0);

    const tail = await t.as(enrolled).get(path, { headers: { range: "bytes=-10" } });
    expect(tail.status).toBe(206);
    expect(Buffer.compare(tail.body, wav.subarray(wav.length - 10))).toBe(0);

    const open = await t.as(enrolled).get(path, { headers: { range: `bytes=${wav.length - 5}-` } });
    expect(open.status).toBe(206);
    expect(open.body.length).toBe(5);

    const outside = await t
      .as(enrolled)
      .get(path, { headers: { range: `bytes=${wav.length}-${wav.length + 100}` } });
    expect(outside.status).toBe(416);
    expect(outside.headers.get("content-range")).toBe(`bytes */${wav.length}`);
    expect(outside.headers.get("content-type")).toContain("application/problem+json");

    const etag = middle.headers.get("etag")!;
    expect(etag).toBeTruthy();
    expect((await t.as(enrolled).get(path, { headers: { "if-none-match": etag } })).status).toBe(304);
    const staleIfRange = await t
      .as(enrolled)
      .get(path, { headers: { range: "bytes=0-9", "if-range": '"stale"' } });
    expect(staleIfRange.status).toBe(200);
  });

  it("refuses a file over its kind's size limit with 413 and keeps nothing", async () => {
    const before = { files: await storedFiles(t), rows: (await materialRows()).length };
    const big = Buffer.concat([makePdf("Too big"), Buffer.alloc(70 * 1024, 0x20)]);
    const res = await upload(owner, { title: "Too big", kind: "pdf" }, big, "big.pdf");
    expect(res.status).toBe(413);
    expect(res.body.status).toBe(413);
    expect(await storedFiles(t)).toEqual(before.files);
    expect((await materialRows()).length).toBe(before.rows);

    // The same bytes are fine as a video-sized upload would be; limits are per kind.
    const video = Buffer.concat([makeWav([330], 0.2), Buffer.alloc(70 * 1024)]);
    expect((await upload(owner, { title: "Long tone", kind: "video" }, video, "tone.wav")).status).toBe(201);
  });

  it("refuses bytes that are not an allowed type with 415, whatever the file is called, and keeps nothing", async () => {
    const before = { files: await storedFiles(t), rows: (await materialRows()).length };
    const cases: [string, Buffer, string][] = [
      ["pdf", PNG, "fake.pdf"],
      ["pdf", Buffer.from("<html><script>alert(1)</script></html>"), "page.pdf"],
      ["video", makePdf("not a video"), "movie.mp4"],
      ["document", Buffer.from("<!DOCTYPE html><html><body onload=alert(1)></body></html>"), "notes.txt"],
      [
        "document",
        Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
        "tool.docx",
      ],
    ];
    for (const [kind, bytes, name] of cases) {
      const res = await upload(owner, { title: name, kind }, bytes, name);
      expect({ kind, name, status: res.status }).toEqual({ kind, name, status: 415 });
    }
    expect(await storedFiles(t)).toEqual(before.files);
    expect((await materialRows()).length).toBe(before.rows);
  });

  it("an upload cut off halfway answers 400 and leaves no partial file", async () => {
    const before = { files: await storedFiles(t), rows: (await materialRows()).length };
    const boundary = "cut-off-boundary";
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nCut\r\n--${boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\npdf\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="cut.pdf"\r\n\r\n`;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(head));
        controller.enqueue(makePdf("Cut off"));
        controller.enqueue(new Uint8Array(8 * 1024));
        controller.close();
      },
    });
    const res = await t.lectern.app.request(`/api/courses/${courseId}/materials`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${owner.token}`,
        "content-type": `multipart/form-data; boundary=${boundary}`,
      },
      body,
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(400);
    expect(await storedFiles(t)).toEqual(before.files);
    expect((await materialRows()).length).toBe(before.rows);
  });

  it("sends content a browser could run (SVG) as an attachment under a sandbox", async () => {
    const res = await upload(owner, { title: "Diagram", kind: "document" }, SVG, "diagram.svg");
    expect(res.status).toBe(201);
    expect(res.body.contentType).toBe("image/svg+xml");
    const content = await t.as(enrolled).get(`/api/materials/${res.body.id}/content`);
    expect(content.status).toBe(200);
    expect(content.headers.get("content-disposition")).toMatch(/^attachment; filename="diagram.svg"/);
    expect(content.headers.get("content-security-policy")).toContain("sandbox");
    expect(content.headers.get("x-content-type-options")).toBe("nosniff");

    const text = await upload(
      owner,
      { title: "Notes", kind: "document", required: "false" },
      Buffer.from("Plain notes, ünïcode."),
      "n.txt",
    );
    expect(text.status).toBe(201);
    expect(text.body).toMatchObject({ contentType: "text/plain", required: false });
  });

  it("refuses malformed uploads with 422 and keeps nothing", async () => {
    const before = await storedFiles(t);
    const fileFirst = new FormData();
    fileFirst.append("file", new Blob([new Uint8Array(makePdf("x"))]), "x.pdf");
    fileFirst.append("kind", "pdf");
    fileFirst.append("title", "x");
    expect((await t.as(owner).post(`/api/courses/${courseId}/materials`, fileFirst)).status).toBe(422);
    expect((await upload(owner, { kind: "pdf" }, makePdf("x"))).status).toBe(422);
    expect((await upload(owner, { title: "x".repeat(201), kind: "pdf" }, makePdf("x"))).status).toBe(422);
    expect((await upload(owner, { title: "x", kind: "pdf", sectionId: "nope" }, makePdf("x"))).status).toBe(
      422,
    );
    expect((await upload(owner, { title: "x", kind: "link" }, makePdf("x"))).status).toBe(422);
    expect(
      (await t.as(owner).post(`/api/courses/${courseId}/materials`, form({ title: "x", kind: "pdf" })))
        .status,
    ).toBe(422);
    expect(await storedFiles(t)).toEqual(before);
  });

  it("adds links by form or JSON, and only http(s) ones", async () => {
    const byForm = await t
      .as(owner)
      .post(
        `/api/courses/${courseId}/materials`,
        form({ title: "Docs", kind: "link", url: "https://example.com/docs", required: "false" }),
      );
    expect(byForm.status).toBe(201);
    expect(byForm.body).toMatchObject({
      kind: "link",
      url: "https://example.com/docs",
      size: null,
      contentType: null,
      required: false,
    });
    const byJson = await t.as(owner).post(`/api/courses/${courseId}/materials`, {
      title: "Video",
      kind: "link",
      url: "https://videos.example/watch?v=1",
    });
    expect(byJson.status).toBe(201);
    expect(byJson.body.required).toBe(true);
    for (const url of ["javascript:alert(1)", "data:text/html,hi", "not a url", "ftp://example.com/x"]) {
      const res = await t
        .as(owner)
        .post(`/api/courses/${courseId}/materials`, { title: "Bad", kind: "link", url });
      expect({ url, status: res.status }).toEqual({ url, status: 422 });
    }
    expect((await t.as(enrolled).get(`/api/materials/${byJson.body.id}/content`)).status).toBe(404);
  });

  it("refuses links to private, loopback and link-local addresses, however they are written", async () => {
    const internal = [
      "http://169.254.169.254/latest/meta-data/",
      "http://2852039166/",
      "http://0xa9fea9fe/",
      "http://127.0.0.1:8080/admin",
      "http://127.1/",
      "http://localhost/",
      "http://app.localhost/",
      "http://metadata.google.internal/",
      "http://10.0.0.5/",
      "http://172.16.3.4/",
      "http://192.168.1.1/",
      "http://0.0.0.0/",
      "http://[::1]/",
      "http://[fe80::1]/",
      "http://[fd00::1]/",
      "http://[::ffff:127.0.0.1]/",
    ];
    for (const url of internal) {
      const json = await t
        .as(owner)
        .post(`/api/courses/${courseId}/materials`, { title: "Bad", kind: "link", url });
      expect({ url, status: json.status }).toEqual({ url, status: 422 });
      const byForm = await t
        .as(owner)
        .post(`/api/courses/${courseId}/materials`, form({ title: "Bad", kind: "link", url }));
      expect({ url, status: byForm.status }).toEqual({ url, status: 422 });
    }
    const ok = await t.as(owner).post(`/api/courses/${courseId}/materials`, {
      title: "Fine",
      kind: "link",
      url: "https://172.32.0.1/x",
    });
    expect(ok.status).toBe(201);
  });
});

describe("who may read and change materials", () => {
  let materialId: string;
  let draftId: string;
  beforeAll(async () => {
    materialId = (await upload(owner, { title: "Private reading", kind: "pdf" }, makePdf("Private"))).body.id;
    draftId = (await t.as(owner).post("/api/courses", courseBody({ title: "Draft With Files" }))).body.id;
  });

  it("enrolled students, the owner and admins read; others do not", async () => {
    for (const user of [enrolled, owner, admin]) {
      expect((await t.as(user).get(`/api/courses/${courseId}/materials`)).status).toBe(200);
      expect((await t.as(user).get(`/api/materials/${materialId}/content`)).status).toBe(200);
    }
    const list = await t.as(enrolled).get(`/api/courses/${courseId}/materials`);
    expect(list.body.items.map((m: { id: string }) => m.id)).toContain(materialId);
    for (const user of [stranger, otherInstructor]) {
      expect((await t.as(user).get(`/api/courses/${courseId}/materials`)).status).toBe(403);
      expect((await t.as(user).get(`/api/materials/${materialId}/content`)).status).toBe(403);
    }
    expect((await t.anonymous.get(`/api/materials/${materialId}/content`)).status).toBe(401);
    expect((await t.as(stranger).get(`/api/courses/${draftId}/materials`)).status).toBe(404);
    expect(
      (await t.as(enrolled).get("/api/materials/00000000-0000-4000-8000-000000000000/content")).status,
    ).toBe(404);
  });

  it("the outline shows titles to everyone and content links only to readers", async () => {
    const anon = await t.anonymous.get(`/api/courses/${courseId}`);
    const item = anon.body.outline
      .flatMap((s: { materials: unknown[] }) => s.materials)
      .find((m: { id: string }) => m.id === materialId);
    expect(item).toEqual({
      id: materialId,
      title: "Private reading",
      kind: "pdf",
      required: true,
      position: expect.any(Number),
    });
    expect(anon.body.canReadMaterials).toBe(false);
    const mine = await t.as(enrolled).get(`/api/courses/${courseId}`);
    const visible = mine.body.outline
      .flatMap((s: { materials: unknown[] }) => s.materials)
      .find((m: { id: string }) => m.id === materialId);
    expect(visible).toMatchObject({ url: `/api/materials/${materialId}/content`, completed: false });
    expect(mine.body.canReadMaterials).toBe(true);
  });

  it("only the owner (or an admin) uploads or changes materials: others get 404, students 403", async () => {
    expect((await upload(otherInstructor, { title: "x", kind: "pdf" }, makePdf("x"))).status).toBe(404);
    expect((await upload(enrolled, { title: "x", kind: "pdf" }, makePdf("x"))).status).toBe(403);
    expect(
      (await t.as(otherInstructor).patch(`/api/materials/${materialId}`, { title: "Mine now" })).status,
    ).toBe(404);
    expect((await t.as(otherInstructor).delete(`/api/materials/${materialId}`)).status).toBe(404);
    expect((await t.as(enrolled).patch(`/api/materials/${materialId}`, { title: "x" })).status).toBe(403);
    expect((await upload(admin, { title: "By admin", kind: "pdf" }, makePdf("x"))).status).toBe(201);
  });
});

describe("sections and ordering", () => {
  it("orders sections and the materials inside them", async () => {
    const course = await t.as(owner).post("/api/courses", courseBody({ title: "Ordered Course" }));
    const id = course.body.id;
    const week1 = await t.as(owner).post(`/api/courses/${id}/sections`, { title: "Week 1" });
    const week2 = await t.as(owner).post(`/api/courses/${id}/sections`, { title: "Week 2" });
    const intro = await t
      .as(owner)
      .post(`/api/courses/${id}/sections`, { title: "Introduction", position: 1 });
    expect([week1.status, week2.status, intro.status]).toEqual([201, 201, 201]);
    expect(intro.body.position).toBe(1);
    const sections = await t.as(owner).get(`/api/courses/${id}/sections`);
    expect(sections.body.items.map((s: { title: string }) => s.title)).toEqual([
      "Introduction",
      "Week 1",
      "Week 2",
    ]);

    const add = (title: string, sectionId: string) =>
      t
        .as(owner)
        .post(
          `/api/courses/${id}/materials`,
          form({ title, kind: "pdf", sectionId }, { bytes: makePdf(title), name: "a.pdf" }),
        );
    const a = await add("A", week1.body.id);
    const b = await add("B", week1.body.id);
    const c = await add("C", week1.body.id);
    expect([a.body.position, b.body.position, c.body.position]).toEqual([1, 2, 3]);

    const moved = await t.as(owner).patch(`/api/materials/${c.body.id}`, { position: 1 });
    expect(moved.status).toBe(200);
    expect(moved.body.position).toBe(1);
    const toWeek2 = await t
      .as(owner)
      .patch(`/api/materials/${a.body.id}`, { sectionId: week2.body.id, title: "A (moved)" });
    expect(toWeek2.body).toMatchObject({ sectionId: week2.body.id, position: 1, title: "A (moved)" });

    const outline = (await t.as(owner).get(`/api/courses/${id}`)).body.outline;
    expect(
      outline.map((s: { title: string; materials: { title: string }[] }) => [
        s.title,
        s.materials.map((m) => m.title),
      ]),
    ).toEqual([
      ["Introduction", []],
      ["Week 1", ["C", "B"]],
      ["Week 2", ["A (moved)"]],
    ]);

    expect(
      (await t.as(owner).patch(`/api/sections/${week2.body.id}`, { position: 1, title: "Week 2 first" }))
        .status,
    ).toBe(200);
    expect((await t.as(owner).delete(`/api/sections/${intro.body.id}`)).status).toBe(204);
    const after = (await t.as(owner).get(`/api/courses/${id}/sections`)).body.items;
    expect(after.map((s: { title: string; position: number }) => [s.title, s.position])).toEqual([
      ["Week 2 first", 1],
      ["Week 1", 2],
    ]);
    expect((await t.as(owner).delete(`/api/sections/${week1.body.id}`)).status).toBe(204);
    const loose = (await t.as(owner).get(`/api/courses/${id}`)).body.outline[0];
    expect(loose).toMatchObject({ id: null, materials: [{ title: "C" }, { title: "B" }] });
    expect((await t.as(otherInstructor).post(`/api/courses/${id}/sections`, { title: "x" })).status).toBe(
      404,
    );
  });

  it("deleting a material removes its file from storage", async () => {
    const res = await upload(owner, { title: "Temporary", kind: "pdf" }, makePdf("Temporary"));
    const before = await storedFiles(t);
    expect((await t.as(owner).delete(`/api/materials/${res.body.id}`)).status).toBe(204);
    expect((await storedFiles(t)).length).toBe(before.length - 1);
    expect((await t.as(owner).get(`/api/materials/${res.body.id}/content`)).status).toBe(404);
  });
});

describe("cover images", () => {
  it("the owner uploads a cover shown in the catalog; non-images are refused", async () => {
    const res = await t
      .as(owner)
      .put(`/api/courses/${courseId}/cover`, form({}, { bytes: PNG, name: "cover.png" }));
    expect(res.status).toBe(200);
    expect(res.body.coverUrl).toBe(`/api/courses/${courseId}/cover`);
    const image = await t.anonymous.get(`/api/courses/${courseId}/cover`);
    expect(image.status).toBe(200);
    expect(image.headers.get("content-type")).toBe("image/png");
    expect(
      (await t.as(owner).put(`/api/courses/${courseId}/cover`, form({}, { bytes: SVG, name: "c.png" })))
        .status,
    ).toBe(415);
    expect(
      (
        await t
          .as(otherInstructor)
          .put(`/api/courses/${courseId}/cover`, form({}, { bytes: PNG, name: "c.png" }))
      ).status,
    ).toBe(404);
  });

  it("refuses a cover that is too big, not an image, missing, or sent by a student", async () => {
    const small = await createTestLectern({ plugins: [courses({ limits: { cover: 1024 } })] });
    try {
      const instructor = await small.createUser("instructor");
      const id = (await small.as(instructor).post("/api/courses", courseBody())).body.id as string;
      const put = (user: TestUser, data: FormData) => small.as(user).put(`/api/courses/${id}/cover`, data);
      const big = Buffer.concat([PNG, Buffer.alloc(4096)]);
      const tooBig = await put(instructor, form({}, { bytes: big, name: "big.png", type: "image/png" }));
      expect(tooBig.status).toBe(413);
      expect(tooBig.headers.get("content-type")).toContain("application/problem+json");
      // Typed by its bytes: a PDF named like an image is still a PDF.
      const pdf = await put(
        instructor,
        form({}, { bytes: makePdf("x", ["y"]), name: "c.png", type: "image/png" }),
      );
      expect(pdf.status).toBe(415);
      expect(pdf.headers.get("content-type")).toContain("application/problem+json");
      const missing = await put(instructor, form({ other: "x" }));
      expect(missing.status).toBe(422);
      expect(missing.body.errors[0].path).toBe("file");
      const student = await small.createUser("student");
      expect((await put(student, form({}, { bytes: PNG, name: "c.png" }))).status).toBe(403);
      expect((await small.anonymous.get(`/api/courses/${id}/cover`)).status).toBe(404);
      expect((await small.as(instructor).get(`/api/courses/${id}`)).body.coverUrl).toBeNull();
      expect((await put(instructor, form({}, { bytes: PNG, name: "c.png" }))).status).toBe(200);
      expect((await small.as(instructor).get(`/api/courses/${id}/cover`)).status).toBe(200);
    } finally {
      await small.close();
    }
  });
});

describe("for other plugins: material events and read methods", () => {
  it("announces added, updated and deleted materials, and answers who may read a course", async () => {
    const service = t.lectern.context().services.get("courses");
    const added = await upload(owner, { title: "Events reading", kind: "pdf" }, makePdf("Events", ["x"]));
    expect(added.status).toBe(201);
    const id = added.body.id as string;
    expect((await t.as(owner).patch(`/api/materials/${id}`, { title: "Renamed" })).status).toBe(200);
    expect(await service.materialSource(t.lectern.db, id)).toMatchObject({
      id,
      courseId,
      title: "Renamed",
      kind: "pdf",
    });
    expect((await t.as(owner).delete(`/api/materials/${id}`)).status).toBe(204);
    expect(await service.materialSource(t.lectern.db, id)).toBeNull();
    const rows = await t.lectern.db.execute(
      sql`select name from lectern_events where payload->>'materialId' = ${id} order by occurred_at`,
    );
    expect(rowsOf<{ name: string }>(rows).map((r) => r.name)).toEqual([
      "material.added",
      "material.updated",
      "material.deleted",
    ]);

    expect(await service.canReadMaterials(t.lectern.db, { courseId, user: enrolled })).toBe(true);
    expect(await service.canReadMaterials(t.lectern.db, { courseId, user: stranger })).toBe(false);
    expect(await service.canReadMaterials(t.lectern.db, { courseId, user: otherInstructor })).toBe(false);
    expect(await service.readableCourseIds(t.lectern.db, enrolled)).toContain(courseId);
    expect(await service.readableCourseIds(t.lectern.db, owner)).toContain(courseId);
    expect(await service.readableCourseIds(t.lectern.db, stranger)).not.toContain(courseId);
    expect(await service.readableCourseIds(t.lectern.db, admin)).toBe("all");
    expect((await service.courseText(t.lectern.db, courseId))?.title).toBe("Materials 101");
  });
});
