import { users } from "@lectern/core";
import {
  authorizationMatrix,
  createTestLectern,
  type TestLectern,
  type TestUser,
} from "@lectern/core/testing";
import { courses } from "@lectern/courses";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NOTHING_FOUND, QUOTED_INTRO } from "./answer.js";
import { assistant } from "./index.js";
import { conversations, usage } from "./schema.js";
import { ask, publishedCourse, uploadMaterial } from "./test-helpers.js";
import { makeTextPdf, parseSse } from "./testing.js";

let t: TestLectern;
let admin: TestUser;
let instructor: TestUser;
let otherInstructor: TestUser;
let student: TestUser;
let outsider: TestUser;
let biology: { id: string };
let history: { id: string };
let pdfId: string;

beforeAll(async () => {
  t = await createTestLectern({
    plugins: [courses(), assistant({ maxQuestionLength: 200, budget: { requestsPerDay: 40 } })],
  });
  admin = await t.createUser("admin");
  instructor = await t.createUser("instructor");
  otherInstructor = await t.createUser("instructor");
  student = await t.createUser("student", { name: "Aiko Tanaka" });
  outsider = await t.createUser("student");
  biology = await publishedCourse(t, instructor, admin, {
    title: "Plant Biology",
    description: "Photosynthesis, water transport and the nitrogen cycle.",
  });
  history = await publishedCourse(t, otherInstructor, admin, {
    title: "Medieval History",
    description: "Castles, guilds and the Black Death.",
  });
  pdfId = await uploadMaterial(t, instructor, biology.id, {
    title: "Photosynthesis notes",
    name: "notes.pdf",
    bytes: makeTextPdf([
      "Plants are the basis of most food chains on land.",
      "Chlorophyll absorbs red and blue light and reflects green light, which is why leaves look green.",
    ]),
  });
  await uploadMaterial(t, otherInstructor, history.id, {
    title: "The Black Death",
    name: "plague.txt",
    bytes: Buffer.from(
      "The Black Death reached Europe in 1347. The plague killed leaves of the population, a third.",
    ),
  });
  await t.drain();
  expect((await t.as(student).post(`/api/courses/${biology.id}/enroll`)).status).toBe(201);
});
afterAll(() => t.close());

describe("answering with no model configured", () => {
  it("quotes the best passages with their sources, labelled as quotations", async () => {
    const res = await ask(t, student, { message: "Why do leaves look green?", courseId: biology.id });
    expect(res.status).toBe(200);
    expect(res.body.mode).toBe("quoted");
    expect(res.body.answer.startsWith(QUOTED_INTRO)).toBe(true);
    expect(res.body.sources[0]).toMatchObject({
      materialId: pdfId,
      title: "Photosynthesis notes",
      page: 2,
    });
    expect(res.body.sources[0].excerpt).toContain("reflects green light");
    expect(res.body.answer).toContain("(Photosynthesis notes, page 2)");
  });

  it("says when nothing relevant is found and suggests asking the instructor", async () => {
    const res = await ask(t, student, { message: "Who won the football world cup?", courseId: biology.id });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ mode: "quoted", answer: NOTHING_FOUND, sources: [] });
  });

  it("streams the answer as token, sources and done events", async () => {
    const res = await t
      .as(student)
      .post(
        "/api/assistant/chat",
        { message: "What does chlorophyll absorb?", courseId: biology.id },
        { headers: { accept: "text/event-stream" } },
      );
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const events = parseSse(res.body);
    expect(events.map((e) => e.event)).toEqual(["token", "sources", "done"]);
    expect(events[0]!.data.text).toContain("red and blue light");
    expect(events[1]!.data.sources[0].materialId).toBe(pdfId);
    const conversation = await t
      .as(student)
      .get(`/api/assistant/conversations/${events[2]!.data.conversationId}`);
    expect(conversation.status).toBe(200);
  });

  it("searches only the courses the user may read, and a course they may not read is a 404", async () => {
    const across = await ask(t, student, { message: "When did the Black Death reach Europe? leaves" });
    expect(across.status).toBe(200);
    expect(across.body.sources.length).toBeGreaterThan(0);
    expect(across.body.sources.every((s: { courseId: string }) => s.courseId === biology.id)).toBe(true);
    expect(across.body.answer).not.toContain("1347");

    const direct = await ask(t, student, {
      message: "When did the Black Death reach Europe?",
      courseId: history.id,
    });
    expect(direct.status).toBe(404);
    expect(JSON.stringify(direct.body)).not.toContain("1347");
    expect((await ask(t, outsider, { message: "Why are leaves green?", courseId: biology.id })).status).toBe(
      404,
    );
    // Its instructor and an admin may ask about it.
    expect(
      (await ask(t, otherInstructor, { message: "Black Death", courseId: history.id })).body.answer,
    ).toContain("1347");
    const asAdmin = await ask(t, admin, { message: "When did the Black Death reach Europe?" });
    expect(asAdmin.body.sources[0].title).toBe("The Black Death");
  });

  it("refuses an empty, oversize or control-character question with 422 and stores nothing", async () => {
    const before = (await t.as(student).get("/api/assistant/conversations")).body.items.length;
    for (const message of ["", "   ", "x".repeat(201), "why\u0007"]) {
      const res = await ask(t, student, { message, courseId: biology.id });
      expect(res.status, message).toBe(422);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect(res.body.errors[0].path).toBe("message");
    }
    expect((await t.as(student).get("/api/assistant/conversations")).body.items.length).toBe(before);
  });
});

describe("conversations", () => {
  it("continues a conversation, lists it, and deletes it; another user's is a 404", async () => {
    t.clock.advance(60_000);
    const first = await ask(t, student, { message: "What does chlorophyll reflect?", courseId: biology.id });
    const id = first.body.conversationId as string;
    const second = await ask(t, student, { message: "And what does it absorb?", conversationId: id });
    expect(second.status).toBe(200);
    expect(second.body.conversationId).toBe(id);

    const list = await t.as(student).get("/api/assistant/conversations");
    expect(list.body.items[0]).toMatchObject({
      id,
      courseId: biology.id,
      title: "What does chlorophyll reflect?",
    });
    const one = await t.as(student).get(`/api/assistant/conversations/${id}`);
    expect(one.body.messages.map((m: { role: string }) => m.role)).toEqual([
      "user",
      "assistant",
      "user",
      "assistant",
    ]);
    expect(one.body.messages[1].mode).toBe("quoted");

    expect((await t.as(outsider).get(`/api/assistant/conversations/${id}`)).status).toBe(404);
    expect((await t.as(outsider).delete(`/api/assistant/conversations/${id}`)).status).toBe(404);
    expect((await ask(t, outsider, { message: "Hello there", conversationId: id })).status).toBe(404);
    expect((await t.as(outsider).get("/api/assistant/conversations")).body.items).toEqual([]);

    expect((await t.as(student).delete(`/api/assistant/conversations/${id}`)).status).toBe(204);
    expect((await t.as(student).get(`/api/assistant/conversations/${id}`)).status).toBe(404);
  });

  it("a person's conversations are exported and erased through core.privacy, and go with their account", async () => {
    const leaving = await t.createUser("student");
    expect((await t.as(leaving).post(`/api/courses/${biology.id}/enroll`)).status).toBe(201);
    const res = await ask(t, leaving, { message: "Why are leaves green?", courseId: biology.id });
    expect(res.body.conversationId).toBeTruthy();
    const [privacy] = t.lectern
      .context()
      .contributions("core.privacy")
      .filter((c) => c.pluginId === "assistant");
    const exported = (await privacy!.value.export(t.lectern.db, { userId: leaving.id })) as {
      conversations: { messages: { content: string }[] }[];
    };
    expect(exported.conversations[0]!.messages[0]!.content).toBe("Why are leaves green?");
    await t.lectern.db.transaction((tx) => privacy!.value.erase(tx, { userId: leaving.id }));
    expect(
      await t.lectern.db.select().from(conversations).where(eq(conversations.userId, leaving.id)),
    ).toEqual([]);
    expect(await t.lectern.db.select().from(usage).where(eq(usage.userId, leaving.id))).toEqual([]);
    await ask(t, leaving, { message: "Why are leaves green?", courseId: biology.id });
    await t.lectern.db.delete(users).where(eq(users.id, leaving.id));
    expect(
      await t.lectern.db.select().from(conversations).where(eq(conversations.userId, leaving.id)),
    ).toEqual([]);
    expect(await t.lectern.db.select().from(usage).where(eq(usage.userId, leaving.id))).toEqual([]);
  });
});

describe("top questions", () => {
  it("shows the course's owner the most asked questions, with no names", async () => {
    for (let i = 0; i < 3; i++)
      await ask(t, student, { message: "How does photosynthesis work?", courseId: biology.id });
    await ask(t, student, { message: "how does PHOTOSYNTHESIS work", courseId: biology.id });
    const res = await t.as(instructor).get(`/api/courses/${biology.id}/assistant/top-questions`);
    expect(res.status).toBe(200);
    expect(res.body.items[0]).toMatchObject({ count: 4 });
    expect(res.body.items[0].question.toLowerCase()).toContain("photosynthesis");
    expect(JSON.stringify(res.body)).not.toContain("Aiko");
    expect(JSON.stringify(res.body)).not.toContain(student.id);
    expect(
      (await t.as(otherInstructor).get(`/api/courses/${biology.id}/assistant/top-questions`)).status,
    ).toBe(404);
    expect((await t.as(admin).get(`/api/courses/${biology.id}/assistant/top-questions`)).status).toBe(200);
    expect((await t.as(student).get(`/api/courses/${biology.id}/assistant/top-questions`)).status).toBe(403);
  });
});

describe("daily budget", () => {
  it("answers 429 with Retry-After past the daily requests, and again the next day", async () => {
    const busy = await t.createUser("student");
    expect((await t.as(busy).post(`/api/courses/${biology.id}/enroll`)).status).toBe(201);
    for (let i = 0; i < 40; i++)
      expect(
        (await ask(t, busy, { message: `Question ${i} about leaves`, courseId: biology.id })).status,
      ).toBe(200);
    const refused = await ask(t, busy, { message: "One more about leaves", courseId: biology.id });
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(86_400);
    t.clock.advance(retryAfter * 1000);
    expect((await ask(t, busy, { message: "A new day about leaves", courseId: biology.id })).status).toBe(
      200,
    );
  });
});

describe("authorization", () => {
  it("every route answers by its declared access", async () => {
    const result = await authorizationMatrix(t);
    expect(result.failures).toEqual([]);
  });
});

describe("not keeping conversations", () => {
  it("with storeConversations: false, answers carry no conversation and nothing of the exchange is kept", async () => {
    const forgetful = await createTestLectern({
      plugins: [courses(), assistant({ storeConversations: false })],
    });
    try {
      const a = await forgetful.createUser("admin");
      const i = await forgetful.createUser("instructor");
      const c = await publishedCourse(forgetful, i, a, {
        title: "Soil",
        description: "Loam holds water and air.",
      });
      await forgetful.drain();
      const res = await ask(forgetful, i, { message: "What does loam hold?", courseId: c.id });
      expect(res.status).toBe(200);
      expect(res.body.conversationId).toBeNull();
      expect(res.body.answer).toContain("Loam holds water");
      expect(await forgetful.lectern.db.select().from(conversations)).toEqual([]);
      expect((await forgetful.as(i).get("/api/assistant/conversations")).body.items).toEqual([]);
    } finally {
      await forgetful.close();
    }
  });
});
