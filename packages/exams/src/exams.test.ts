import { readFile } from "node:fs/promises";
import { rowsOf } from "@lectern/core";
import { authorizationMatrix, type TestLectern, type TestUser } from "@lectern/core/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  courseWithStudents,
  examBody,
  examsLectern,
  publishedExam,
  questions,
  rightAnswers,
} from "./test-helpers.js";

let t: TestLectern;
let admin: TestUser;
let instructor: TestUser;
let otherInstructor: TestUser;
let student: TestUser;
let outsider: TestUser;
let course: { id: string; title: string };

const fixture = (name: string) => readFile(new URL(`./import/fixtures/${name}`, import.meta.url), "utf8");

beforeAll(async () => {
  t = await examsLectern();
  admin = await t.createUser("admin");
  instructor = await t.createUser("instructor", { name: "Iris Instructor" });
  otherInstructor = await t.createUser("instructor");
  student = await t.createUser("student", { name: "Sam Student", email: "sam@example.com" });
  outsider = await t.createUser("student");
  course = await courseWithStudents(t, instructor, admin, [student]);
});
afterAll(() => t.close());

async function events(name: string) {
  const result = await t.lectern.db.execute(
    sql`select payload from lectern_events where name = ${name} order by occurred_at`,
  );
  return rowsOf<{ payload: Record<string, unknown> }>(result).map((r) => r.payload);
}

describe("building an exam", () => {
  it("creates a draft with every field of the exam resource, ids given by the server", async () => {
    const res = await t
      .as(instructor)
      .post(`/api/courses/${course.id}/exams`, examBody({ durationMinutes: 30 }));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      courseId: course.id,
      title: "Cells quiz",
      status: "draft",
      opensAt: null,
      closesAt: null,
      durationMinutes: 30,
      maxAttempts: 1,
      passingPercent: 50,
      passingMarks: null,
      maxScore: 10,
      version: 0,
    });
    for (const field of [
      "id",
      "courseId",
      "title",
      "status",
      "opensAt",
      "closesAt",
      "durationMinutes",
      "maxAttempts",
      "passingPercent",
      "passingMarks",
      "maxScore",
      "questions",
    ]) {
      expect(res.body).toHaveProperty(field);
    }
    expect(res.body.questions).toHaveLength(4);
    expect(res.body.questions[0].id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.questions[0].options[0]).toMatchObject({ text: "Mitochondrion", correct: true });
  });

  it("refuses 11 questions with the default limit, and marks of 0 or 6", async () => {
    const eleven = Array.from({ length: 11 }, () => questions()[2]);
    const tooMany = await t
      .as(instructor)
      .post(`/api/courses/${course.id}/exams`, examBody({ questions: eleven }));
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.errors).toContainEqual({
      path: "questions",
      message: "An exam holds at most 10 questions.",
    });
    for (const marks of [0, 6]) {
      const res = await t
        .as(instructor)
        .post(`/api/courses/${course.id}/exams`, examBody({ questions: [{ ...questions()[2], marks }] }));
      expect(res.status).toBe(422);
      expect(res.body.errors[0].path).toBe("questions.0.marks");
    }
  });

  it("refuses a single question with no correct option or with two", async () => {
    for (const flags of [
      [false, false, false],
      [true, true, false],
    ]) {
      const single = questions()[0]!;
      const res = await t.as(instructor).post(
        `/api/courses/${course.id}/exams`,
        examBody({
          questions: [{ ...single, options: single.options!.map((o, i) => ({ ...o, correct: flags[i] })) }],
        }),
      );
      expect(res.status).toBe(422);
      expect(res.body.errors).toContainEqual(expect.objectContaining({ path: "questions.0.options" }));
    }
  });

  it("lets only the course's owner (or an admin) create, edit and see drafts", async () => {
    expect((await t.as(otherInstructor).post(`/api/courses/${course.id}/exams`, examBody())).status).toBe(
      404,
    );
    expect((await t.as(student).post(`/api/courses/${course.id}/exams`, examBody())).status).toBe(403);
    const draft = await t
      .as(instructor)
      .post(`/api/courses/${course.id}/exams`, examBody({ title: "Hidden draft" }));
    expect((await t.as(otherInstructor).patch(`/api/exams/${draft.body.id}`, { title: "x" })).status).toBe(
      404,
    );
    expect((await t.as(student).get(`/api/exams/${draft.body.id}`)).status).toBe(404);
    const studentList = await t.as(student).get(`/api/courses/${course.id}/exams`);
    expect(studentList.body.items.map((e: { id: string }) => e.id)).not.toContain(draft.body.id);
    expect((await t.as(outsider).get(`/api/courses/${course.id}/exams`)).status).toBe(404);
    const byAdmin = await t.as(admin).patch(`/api/exams/${draft.body.id}`, { title: "Renamed by admin" });
    expect(byAdmin.body.title).toBe("Renamed by admin");
  });

  it("edits a draft in place, keeping the ids of questions it keeps", async () => {
    const draft = (await t.as(instructor).post(`/api/courses/${course.id}/exams`, examBody())).body;
    const kept = draft.questions.slice(0, 2);
    const res = await t.as(instructor).patch(`/api/exams/${draft.id}`, {
      title: "Shorter quiz",
      passingMarks: 3,
      questions: [...kept, questions()[2]],
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      title: "Shorter quiz",
      passingMarks: 3,
      passingPercent: null,
      maxScore: 6,
      version: 0,
    });
    expect(res.body.questions.slice(0, 2).map((q: { id: string }) => q.id)).toEqual(
      kept.map((q: { id: string }) => q.id),
    );
    const invalid = await t.as(instructor).patch(`/api/exams/${draft.id}`, { passingMarks: 7 });
    expect(invalid.status).toBe(422);
    expect(invalid.body.errors[0].path).toBe("passingMarks");
  });

  it("deletes an exam without attempts, and keeps one with attempts (409)", async () => {
    const draft = (await t.as(instructor).post(`/api/courses/${course.id}/exams`, examBody())).body;
    expect((await t.as(instructor).delete(`/api/exams/${draft.id}`)).status).toBe(204);
    expect((await t.as(instructor).get(`/api/exams/${draft.id}`)).status).toBe(404);
    const exam = await publishedExam(t, instructor, course.id, { maxAttempts: 2 });
    expect((await t.as(student).post(`/api/exams/${exam.id}/attempts`)).status).toBe(201);
    const refused = await t.as(instructor).delete(`/api/exams/${exam.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.type).toBe("https://lectern.dev/problems/exam-has-attempts");
  });
});

describe("publishing", () => {
  it("emits exam.published once and mails each enrolled student", async () => {
    const before = t.mail.length;
    const draft = (
      await t.as(instructor).post(`/api/courses/${course.id}/exams`, examBody({ title: "Announced quiz" }))
    ).body;
    const first = await t.as(instructor).post(`/api/exams/${draft.id}/publish`);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: "published", version: 1 });
    expect((await t.as(instructor).post(`/api/exams/${draft.id}/publish`)).body.version).toBe(1);
    expect((await events("exam.published")).filter((e) => e.examId === draft.id)).toEqual([
      {
        examId: draft.id,
        courseId: course.id,
        version: 1,
        title: "Announced quiz",
        opensAt: null,
        closesAt: null,
        durationMinutes: null,
      },
    ]);
    await t.drain();
    const mails = t.mail.slice(before).filter((m) => m.subject.includes("Announced quiz"));
    expect(mails).toHaveLength(1);
    expect(mails[0]!.to).toEqual(["sam@example.com"]);
    expect(mails[0]!.text).toContain(course.title);
  });

  it("versions graded content edited after publishing, while no attempt exists", async () => {
    const exam = await publishedExam(t, instructor, course.id, { maxAttempts: 2, allowReview: true });
    const flipped = exam.questions.map((q) =>
      q.type === "true_false" ? { ...q, options: q.options!.map((o) => ({ ...o, correct: !o.correct })) } : q,
    );
    const edited = await t
      .as(instructor)
      .patch(`/api/exams/${exam.id}`, { title: "Cells quiz v2", questions: flipped });
    expect(edited.status).toBe(200);
    expect(edited.body.version).toBe(2);
    const title = await t.as(instructor).patch(`/api/exams/${exam.id}`, { title: "Cells quiz v2b" });
    expect(title.body.version).toBe(2);
  });

  it("refuses (409) graded edits once any attempt exists; title and a later closing time stay editable", async () => {
    const closesAt = new Date(t.clock.now().getTime() + 7 * 86_400_000).toISOString();
    const exam = await publishedExam(t, instructor, course.id, { maxAttempts: 2, closesAt });
    const attempt = (await t.as(student).post(`/api/exams/${exam.id}/attempts`)).body;
    expect(attempt.id).toBeTruthy();
    const fewer = exam.questions.slice(1);
    for (const patch of [
      { questions: fewer },
      { passingPercent: 10 },
      { maxAttempts: 5 },
      { closesAt: new Date(t.clock.now().getTime() + 86_400_000).toISOString() },
    ]) {
      const res = await t.as(instructor).patch(`/api/exams/${exam.id}`, patch);
      expect({ patch: Object.keys(patch)[0], status: res.status }).toEqual({
        patch: Object.keys(patch)[0],
        status: 409,
      });
      expect(res.headers.get("content-type")).toContain("application/problem+json");
    }
    const later = new Date(t.clock.now().getTime() + 14 * 86_400_000).toISOString();
    const renamed = await t
      .as(instructor)
      .patch(`/api/exams/${exam.id}`, { title: "Renamed", closesAt: later });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ title: "Renamed", closesAt: later, version: exam.version });
    expect(renamed.body.questions).toHaveLength(exam.questions.length);
  });
});

describe("leaving a course", () => {
  it("ends the student's attempts in progress: no more answers or submissions count", async () => {
    const leaver = await t.createUser("student");
    const free = await courseWithStudents(t, instructor, admin, [leaver], "Leaving");
    const exam = await publishedExam(t, instructor, free.id, { maxAttempts: 3 });
    const attempt = (await t.as(leaver).post(`/api/exams/${exam.id}/attempts`)).body;
    expect(
      (
        await t
          .as(leaver)
          .put(`/api/attempts/${attempt.id}/answers`, { answers: rightAnswers(exam).slice(0, 1) })
      ).status,
    ).toBe(200);
    expect((await t.as(leaver).delete(`/api/courses/${free.id}/enroll`)).status).toBe(200);
    await t.drain();
    const answer = await t
      .as(leaver)
      .put(`/api/attempts/${attempt.id}/answers`, { answers: rightAnswers(exam) });
    expect(answer.status).toBe(409);
    const owner = await t.as(instructor).get(`/api/attempts/${attempt.id}`);
    expect(owner.body.status).not.toBe("in_progress");
    expect(owner.body.submittedAt).toBeTruthy();
    const submitted = await t.as(leaver).post(`/api/attempts/${attempt.id}/submit`);
    expect(submitted.body.score).toBe(owner.body.score);
  });
});

describe("importing GIFT and Aiken", () => {
  const importText = (text: string, query = "") =>
    t.as(instructor).post(`/api/courses/${course.id}/exams/import${query}`, text, {
      headers: { "content-type": "text/plain; charset=utf-8" },
    });

  it("imports GIFT into a draft, with a warning per question kind it could not import", async () => {
    const res = await importText(await fixture("moodle-docs.gift"));
    expect(res.status).toBe(201);
    expect(res.body.status).toBe("draft");
    expect(res.body.questions.length).toBeGreaterThan(0);
    expect(res.body.warnings.length).toBeGreaterThan(0);
    for (const warning of res.body.warnings)
      expect(warning).toEqual({ line: expect.any(Number), message: expect.any(String) });
  });

  it("imports Aiken with a title and marks from the query", async () => {
    const res = await importText(await fixture("geography.aiken"), "?title=Capitals&marks=2");
    expect(res.status).toBe(201);
    expect(res.body.title).toBe("Capitals");
    expect(
      res.body.questions.every((q: { type: string; marks: number }) => q.type === "single" && q.marks === 2),
    ).toBe(true);
  });

  it("answers 422 with the line for a syntax error, and 422 when nothing is importable", async () => {
    const syntax = await importText(await fixture("syntax-error.gift"));
    expect(syntax.status).toBe(422);
    expect(syntax.body.type).toBe("https://lectern.dev/problems/question-import-syntax");
    expect(syntax.body.line).toEqual(expect.any(Number));
    expect(syntax.body.detail).toContain(`Line ${syntax.body.line}`);
    const nothing = await importText(await fixture("unsupported-only.gift"));
    expect(nothing.status).toBe(422);
    expect(nothing.body.type).toBe("https://lectern.dev/problems/nothing-importable");
    expect(nothing.body.warnings.length).toBeGreaterThan(0);
  });

  it("refuses more questions than an exam holds, JSON bodies, and students", async () => {
    const many = Array.from({ length: 11 }, (_, i) => `Question ${i}? {=yes ~no}`).join("\n\n");
    expect((await importText(many)).status).toBe(422);
    const json = await t.as(instructor).post(`/api/courses/${course.id}/exams/import`, { text: "Q {T}" });
    expect(json.status).toBe(415);
    expect(
      (
        await t.as(student).post(`/api/courses/${course.id}/exams/import`, "Q {T}", {
          headers: { "content-type": "text/plain" },
        })
      ).status,
    ).toBe(403);
  });
});

describe("the maxQuestions option", () => {
  it("is documented in the OpenAPI document", async () => {
    const doc = (await t.anonymous.get("/api/openapi.json")).body;
    expect(JSON.stringify(doc.components.schemas.ExamInput)).toContain('"maxItems":10');
  });
});

describe("authorization", () => {
  it("passes the authorization matrix with courses and exams installed", async () => {
    const result = await authorizationMatrix(t);
    expect(result.failures).toEqual([]);
    expect(result.checked).toBeGreaterThan(50);
  });
});

describe("the demo seed", () => {
  it("publishes a 10-question exam on two demo courses, once", async () => {
    await t.lectern.seedDemo();
    await t.lectern.seedDemo();
    const student = await t.lectern.context().auth.findUserByEmail("student@example.com");
    const { token } = await t.lectern.context().auth.sessions.create(t.lectern.db, student!.id);
    const grades = await t.as({ token }).get("/api/me/grades");
    expect(grades.status).toBe(200);
    expect(grades.body.items).toHaveLength(2);
    for (const item of grades.body.items) expect(item).toMatchObject({ attempts: 0, score: null });
    const exam = await t.as({ token }).get(`/api/exams/${grades.body.items[0].examId}`);
    expect(exam.body).toMatchObject({ status: "published", questionCount: 10, questions: null });
  });
});
