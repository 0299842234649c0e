import { createTestLectern, type TestLectern, type TestUser } from "@lectern/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makePdf, makeWav } from "./demo-files.js";
import { courses } from "./index.js";
import { form, publishedCourse, storedFiles } from "./test-helpers.js";

const VTT = "WEBVTT\n\n00:00.000 --> 00:02.000\nHello, and welcome — café ünïcode.\n";

let t: TestLectern;
let admin: TestUser;
let owner: TestUser;
let otherInstructor: TestUser;
let enrolled: TestUser;
let stranger: TestUser;
let leaver: TestUser;
let courseId: string;
let videoId: string;
let pdfId: string;

beforeAll(async () => {
  t = await createTestLectern({ plugins: [courses({ limits: { captions: 2048 } })] });
  admin = await t.createUser("admin");
  owner = await t.createUser("instructor");
  otherInstructor = await t.createUser("instructor");
  enrolled = await t.createUser("student");
  stranger = await t.createUser("student");
  leaver = await t.createUser("student");
  courseId = (await publishedCourse(t, owner, admin, { title: "Captioned Course" })).id;
  const video = await t
    .as(owner)
    .post(
      `/api/courses/${courseId}/materials`,
      form({ title: "Lecture one", kind: "video" }, { bytes: makeWav([440]), name: "lecture.wav" }),
    );
  expect(video.status).toBe(201);
  videoId = video.body.id;
  const pdf = await t
    .as(owner)
    .post(
      `/api/courses/${courseId}/materials`,
      form({ title: "Notes", kind: "pdf" }, { bytes: makePdf("Notes"), name: "notes.pdf" }),
    );
  pdfId = pdf.body.id;
  for (const s of [enrolled, leaver]) await t.as(s).post(`/api/courses/${courseId}/enroll`);
  await t.as(leaver).delete(`/api/courses/${courseId}/enroll`);
});
afterAll(() => t.close());

const vtt = (text: string | Uint8Array, name = "captions.vtt") =>
  form({}, { bytes: typeof text === "string" ? Buffer.from(text, "utf8") : text, name, type: "text/vtt" });

describe("captions for a video", () => {
  it("the owner uploads WebVTT; it is served as text/vtt to readers and named in the outline", async () => {
    const put = await t.as(owner).put(`/api/materials/${videoId}/captions`, vtt(VTT));
    expect(put.status).toBe(200);
    expect(put.body.captionsUrl).toBe(`/api/materials/${videoId}/captions`);

    for (const reader of [enrolled, owner, admin]) {
      const res = await t.as(reader).get(`/api/materials/${videoId}/captions`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/vtt/);
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(Buffer.from(res.body).toString("utf8")).toBe(VTT);
    }
    const outline = (await t.as(enrolled).get(`/api/courses/${courseId}`)).body.outline;
    const item = outline
      .flatMap((s: { materials: unknown[] }) => s.materials)
      .find((m: { id: string }) => m.id === videoId);
    expect(item.captionsUrl).toBe(`/api/materials/${videoId}/captions`);
    // Those who may not read the materials are not told where the captions are.
    const publicItem = (await t.anonymous.get(`/api/courses/${courseId}`)).body.outline
      .flatMap((s: { materials: unknown[] }) => s.materials)
      .find((m: { id: string }) => m.id === videoId);
    expect(publicItem.captionsUrl).toBeUndefined();
    const listed = (await t.as(enrolled).get(`/api/courses/${courseId}/materials`)).body.items;
    expect(listed.find((m: { id: string }) => m.id === pdfId).captionsUrl).toBeNull();
  });

  it("only the course's instructor or an admin uploads or removes; enrolled students read, others do not", async () => {
    const before = (await storedFiles(t)).length;
    expect((await t.anonymous.put(`/api/materials/${videoId}/captions`, vtt(VTT))).status).toBe(401);
    expect((await t.as(enrolled).put(`/api/materials/${videoId}/captions`, vtt(VTT))).status).toBe(403);
    expect((await t.as(otherInstructor).put(`/api/materials/${videoId}/captions`, vtt(VTT))).status).toBe(
      404,
    );
    expect((await t.as(otherInstructor).delete(`/api/materials/${videoId}/captions`)).status).toBe(404);
    expect((await t.as(enrolled).delete(`/api/materials/${videoId}/captions`)).status).toBe(403);
    expect(await storedFiles(t)).toHaveLength(before);

    expect((await t.anonymous.get(`/api/materials/${videoId}/captions`)).status).toBe(401);
    const notEnrolled = await t.as(stranger).get(`/api/materials/${videoId}/captions`);
    expect(notEnrolled.status).toBe(403);
    expect(notEnrolled.body.type).toMatch(/not-enrolled/);
    expect((await t.as(leaver).get(`/api/materials/${videoId}/captions`)).status).toBe(403);
    expect((await t.as(otherInstructor).get(`/api/materials/${videoId}/captions`)).status).toBe(403);

    const replaced = await t.as(admin).put(`/api/materials/${videoId}/captions`, vtt(`${VTT}\nNOTE admin`));
    expect(replaced.status).toBe(200);
    // The earlier file is gone with the replacement: one captions file is kept, not two.
    expect(await storedFiles(t)).toHaveLength(before);
  });

  it("refuses what is not WebVTT with 422 on the file field, and keeps nothing", async () => {
    const before = await storedFiles(t);
    const cases: [string, string | Uint8Array][] = [
      ["no header", "00:00.000 --> 00:02.000\nHello\n"],
      ["a header that only starts alike", "WEBVTTX\n\n"],
      ["invalid UTF-8", Buffer.concat([Buffer.from("WEBVTT\n\n"), Buffer.from([0xc3, 0x28, 0xff, 0x41])])],
      ["a control character", "WEBVTT\n\n00:00.000 --> 00:02.000\nHel\u0007lo\n"],
      ["an escape sequence", "WEBVTT\n\n00:00.000 --> 00:02.000\n\u001b[31mred\n"],
    ];
    for (const [label, body] of cases) {
      const res = await t.as(owner).put(`/api/materials/${videoId}/captions`, vtt(body));
      expect(res.status, label).toBe(422);
      expect(res.body.errors?.[0]?.path, label).toBe("file");
      expect(res.body.errors?.[0]?.message, label).not.toMatch(/expected|regex|undefined/i);
    }
    // Bytes that are not text at all, and files over the size limit, are refused as they arrive.
    expect((await t.as(owner).put(`/api/materials/${videoId}/captions`, vtt(makePdf("x")))).status).toBe(415);
    const large = `WEBVTT\n\n${"00:00.000 --> 00:02.000\nwords words words\n\n".repeat(100)}`;
    expect((await t.as(owner).put(`/api/materials/${videoId}/captions`, vtt(large))).status).toBe(413);
    // Captions belong to videos only.
    const onPdf = await t.as(owner).put(`/api/materials/${pdfId}/captions`, vtt(VTT));
    expect(onPdf.status).toBe(422);
    expect(onPdf.body.errors[0].path).toBe("file");
    expect((await t.as(owner).put(`/api/materials/${videoId}/captions`, form({}))).status).toBe(422);
    expect((await storedFiles(t)).sort()).toEqual(before.sort());
    // The captions that were there are still served.
    const kept = await t.as(enrolled).get(`/api/materials/${videoId}/captions`);
    expect(Buffer.from(kept.body).toString("utf8")).toContain("NOTE admin");
  });

  it("accepts a byte-order mark and a header with a title; removal takes the file and the url away", async () => {
    const res = await t
      .as(owner)
      .put(
        `/api/materials/${videoId}/captions`,
        vtt("\uFEFFWEBVTT Lecture one\n\n00:01.000 --> 00:02.000\nHi\n"),
      );
    expect(res.status).toBe(200);
    const before = (await storedFiles(t)).length;
    expect((await t.as(owner).delete(`/api/materials/${videoId}/captions`)).status).toBe(204);
    expect(await storedFiles(t)).toHaveLength(before - 1);
    expect((await t.as(enrolled).get(`/api/materials/${videoId}/captions`)).status).toBe(404);
    const listed = (await t.as(owner).get(`/api/courses/${courseId}/materials`)).body.items;
    expect(listed.find((m: { id: string }) => m.id === videoId).captionsUrl).toBeNull();
  });
});
