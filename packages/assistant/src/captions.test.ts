import { createTestLectern, type TestLectern, type TestUser } from "@lectern/core/testing";
import { courses } from "@lectern/courses";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captionCues, clockTime } from "./extract.js";
import { assistant } from "./index.js";
import { passages } from "./schema.js";
import { ask, publishedCourse, uploadMaterial } from "./test-helpers.js";

/** A lecture's captions: small talk for twelve minutes, then the part a student asks about. */
function lectureCaptions(): string {
  const cues = ["WEBVTT", "", "NOTE recorded in room 4", ""];
  const stamp = (s: number) => `${clockTime(s)}.000`;
  for (let s = 0; s < 720; s += 30) {
    cues.push(
      `${stamp(s)} --> ${stamp(s + 30)}`,
      `<v Prof>Welcome back, minute ${s / 60} of the warm-up.`,
      "",
    );
  }
  cues.push(
    "12:05.000 --> 12:09.000",
    "<v Prof>Mitochondria make ATP through the electron transport chain.",
    "",
    "12:09.000 --> 12:14.000",
    "Oxygen is the last electron acceptor of the chain.",
    "",
    "1:02:03.500 --> 1:02:06.000",
    "That is all on respiration for today.",
    "",
  );
  return cues.join("\n");
}

let t: TestLectern;
let instructor: TestUser;
let student: TestUser;
let courseId: string;
let captionsId: string;

beforeAll(async () => {
  t = await createTestLectern({ plugins: [courses(), assistant()] });
  const admin = await t.createUser("admin");
  instructor = await t.createUser("instructor");
  student = await t.createUser("student");
  courseId = (await publishedCourse(t, instructor, admin, { title: "Cell Biology" })).id;
  captionsId = await uploadMaterial(t, instructor, courseId, {
    title: "Lecture 5 captions",
    name: "lecture5.vtt",
    type: "text/vtt",
    bytes: Buffer.from(lectureCaptions()),
  });
  await t.drain();
  expect((await t.as(student).post(`/api/courses/${courseId}/enroll`)).status).toBe(201);
});
afterAll(() => t.close());

describe("captions as a video track", () => {
  it("reads each cue's start time from WebVTT and SRT, short and long forms", () => {
    expect(
      captionCues(
        "WEBVTT\n\nintro\n00:01.500 --> 00:03.000\n<v A>Hi <b>there</b>\n\n01:02:03.250 --> 01:02:04.000\nLate",
      ),
    ).toEqual([
      { start: 1.5, text: "Hi there" },
      { start: 3723.25, text: "Late" },
    ]);
    expect(captionCues("1\n00:12:05,000 --> 00:12:09,000\nPhloem\nmoves sugars\n")).toEqual([
      { start: 725, text: "Phloem moves sugars" },
    ]);
    expect([clockTime(5), clockTime(725), clockTime(3723.9)]).toEqual(["00:05", "12:05", "1:02:03"]);
  });

  it("indexes captions as passages that each start at a moment of the video", async () => {
    const rows = await t.lectern.db
      .select({ at: passages.startSeconds, content: passages.content, page: passages.page })
      .from(passages)
      .where(eq(passages.materialId, captionsId))
      .orderBy(passages.position);
    expect(rows.length).toBeGreaterThan(2);
    expect(rows[0]!.at).toBe(0);
    expect(rows.every((r) => r.page === null && r.at !== null)).toBe(true);
    const starts = rows.map((r) => r.at!);
    expect([...starts].sort((a, b) => a - b)).toEqual(starts);
    const mitochondria = rows.find((r) => r.content.includes("Mitochondria make ATP"))!;
    // The passage starts at its first cue: at most a minute before the words asked about.
    expect(mitochondria.at).toBeLessThanOrEqual(725);
    expect(mitochondria.at).toBeGreaterThan(725 - 60);
  });

  it("cites the moment of the video in the sources and in a quoted answer", async () => {
    const res = await ask(t, student, {
      message: "What is the last electron acceptor of the transport chain?",
      courseId,
    });
    expect(res.status).toBe(200);
    const source = res.body.sources[0];
    expect(source).toMatchObject({ materialId: captionsId, title: "Lecture 5 captions" });
    expect(source.page).toBeUndefined();
    expect(source.excerpt).toContain("last electron acceptor");
    expect(res.body.answer).toContain(`(Lecture 5 captions, at ${clockTime(source.at)})`);
    expect(source.at).toBeGreaterThan(725 - 60);
    const kept = await t.as(student).get(`/api/assistant/conversations/${res.body.conversationId}`);
    expect(kept.body.messages[1].sources[0].at).toBe(source.at);
  });
});
