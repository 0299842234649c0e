import { MINUTE, rowsOf } from "@lectern/core";
import type { TestLectern, TestResponse, TestUser } from "@lectern/core/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  courseWithStudents,
  examsLectern,
  KEY_FEEDBACK,
  publishedExam,
  rightAnswers,
  wrongAnswers,
} from "./test-helpers.js";

let t: TestLectern;
let admin: TestUser;
let instructor: TestUser;
let student: TestUser;
let classmate: TestUser;
let course: { id: string };

beforeAll(async () => {
  t = await examsLectern();
  admin = await t.createUser("admin");
  instructor = await t.createUser("instructor");
  student = await t.createUser("student", { name: "Sam Student" });
  classmate = await t.createUser("student", { name: "Cleo Classmate" });
  course = await courseWithStudents(t, instructor, admin, [student, classmate]);
});
afterAll(() => t.close());

async function eventsFor(name: string, attemptId: string) {
  const result = await t.lectern.db.execute(
    sql`select payload from lectern_events where name = ${name} and payload->>'attemptId' = ${attemptId} order by occurred_at`,
  );
  return rowsOf<{ payload: Record<string, unknown> }>(result).map((r) => r.payload);
}

/** Runs the scheduled expiry job: the first drain schedules it, the second runs it once due. */
async function runScheduledJobs() {
  await t.drain();
  t.clock.advance(MINUTE + 1_000);
  await t.drain();
}

describe("taking an exam", () => {
  it("starts an attempt with a server deadline of min(start + duration, closesAt), and resumes it", async () => {
    const now = t.clock.now().getTime();
    const timed = await publishedExam(t, instructor, course.id, { durationMinutes: 30 });
    const started = await t.as(student).post(`/api/exams/${timed.id}/attempts`);
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({
      examId: timed.id,
      userId: student.id,
      status: "in_progress",
      startedAt: new Date(now).toISOString(),
      deadline: new Date(now + 30 * MINUTE).toISOString(),
      submittedAt: null,
      score: null,
      passed: null,
      maxScore: 10,
      answers: [],
    });
    expect(started.body.questions).toHaveLength(4);
    const again = await t.as(student).post(`/api/exams/${timed.id}/attempts`);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(started.body.id);

    const closing = await publishedExam(t, instructor, course.id, {
      durationMinutes: 30,
      closesAt: new Date(now + 10 * MINUTE).toISOString(),
    });
    const capped = await t.as(student).post(`/api/exams/${closing.id}/attempts`);
    expect(capped.body.deadline).toBe(new Date(now + 10 * MINUTE).toISOString());
  });

  it("refuses an exam that is not open yet or has closed (409), and students not enrolled (404)", async () => {
    const now = t.clock.now().getTime();
    const later = await publishedExam(t, instructor, course.id, {
      opensAt: new Date(now + 60 * MINUTE).toISOString(),
    });
    const early = await t.as(student).post(`/api/exams/${later.id}/attempts`);
    expect(early.status).toBe(409);
    expect(early.body.type).toBe("https://lectern.dev/problems/exam-not-open");
    const closed = await publishedExam(t, instructor, course.id, {
      opensAt: new Date(now - 60 * MINUTE).toISOString(),
      closesAt: new Date(now - MINUTE).toISOString(),
    });
    expect((await t.as(student).post(`/api/exams/${closed.id}/attempts`)).body.type).toBe(
      "https://lectern.dev/problems/exam-closed",
    );
    const stranger = await t.createUser("student");
    expect((await t.as(stranger).post(`/api/exams/${closed.id}/attempts`)).status).toBe(404);
  });

  it("shuffles questions and options per attempt, stably", async () => {
    const exam = await publishedExam(t, instructor, course.id, { shuffle: true });
    const attempt = (await t.as(student).post(`/api/exams/${exam.id}/attempts`)).body;
    const order = (body: { questions: { id: string; options?: { id: string }[] }[] }) =>
      body.questions.map((q) => [q.id, ...(q.options ?? []).map((o) => o.id)].join(","));
    const again = (await t.as(student).get(`/api/attempts/${attempt.id}`)).body;
    expect(order(again)).toEqual(order(attempt));
    const saved = (await t.as(student).put(`/api/attempts/${attempt.id}/answers`, { answers: [] })).body;
    expect(order(saved)).toEqual(order(attempt));
  });

  it("gives each attempt its own order of questions and options, not the author's", async () => {
    const many = Array.from({ length: 8 }, (_, q) => ({
      type: "single",
      prompt: `Question ${q + 1}`,
      marks: 1,
      options: Array.from({ length: 4 }, (_, o) => ({ text: `Q${q + 1} option ${o + 1}`, correct: o === 0 })),
    }));
    const exam = await publishedExam(t, instructor, course.id, { shuffle: true, questions: many });
    const authored = exam.questions.map((q) => q.id).join(",");
    const orders: string[] = [];
    let correctFirst = 0;
    for (const taker of [student, classmate]) {
      const attempt = (await t.as(taker).post(`/api/exams/${exam.id}/attempts`)).body;
      orders.push(attempt.questions.map((q: { id: string }) => q.id).join(","));
      for (const q of attempt.questions as { id: string; options: { id: string }[] }[]) {
        const correct = exam.questions.find((e) => e.id === q.id)!.options!.find((o) => o.correct)!.id;
        if (q.options[0]!.id === correct) correctFirst++;
      }
    }
    // Eight questions: the author's order comes up once in 40,320 shuffles, the same order twice
    // as rarely; the correct option (authored first) leads all sixteen lists once in 4^16.
    expect(orders.filter((o) => o === authored)).toHaveLength(0);
    expect(orders[0]).not.toBe(orders[1]);
    expect(correctFirst).toBeLessThan(16);
  });

  it("merges saved answers per question, idempotently", async () => {
    const exam = await publishedExam(t, instructor, course.id);
    const attempt = (await t.as(student).post(`/api/exams/${exam.id}/attempts`)).body;
    const [single, multiple, trueFalse, short] = rightAnswers(exam);
    const url = `/api/attempts/${attempt.id}/answers`;
    const first = await t
      .as(student)
      .put(url, { answers: [single, { questionId: short!.questionId, text: "wall" }] });
    expect(first.status).toBe(200);
    expect(first.body.status).toBe("in_progress");
    const second = await t.as(student).put(url, { answers: [multiple, short] });
    const repeated = await t.as(student).put(url, { answers: [multiple, short] });
    expect(repeated.body.answers).toEqual(second.body.answers);
    const byQuestion = Object.fromEntries(
      second.body.answers.map((a: { questionId: string }) => [a.questionId, a]),
    );
    expect(byQuestion[single!.questionId]).toEqual(single);
    expect(byQuestion[multiple!.questionId]).toEqual(multiple);
    expect(byQuestion[short!.questionId].text).toBe(short!.text);
    expect(byQuestion[trueFalse!.questionId]).toBeUndefined();
  });

  it("refuses answers naming options of another question, or questions outside the exam (422)", async () => {
    const exam = await publishedExam(t, instructor, course.id);
    const attempt = (await t.as(student).post(`/api/exams/${exam.id}/attempts`)).body;
    const [single, multiple] = exam.questions;
    const res = await t.as(student).put(`/api/attempts/${attempt.id}/answers`, {
      answers: [{ questionId: single!.id, optionIds: [multiple!.options![0]!.id] }],
    });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([
      { path: "answers.0.optionIds.0", message: "This option does not belong to the question." },
    ]);
    const other = await publishedExam(t, instructor, course.id);
    const foreign = await t.as(student).put(`/api/attempts/${attempt.id}/answers`, {
      answers: [{ questionId: other.questions[0]!.id, optionIds: [other.questions[0]!.options![0]!.id] }],
    });
    expect(foreign.status).toBe(422);
    expect(foreign.body.errors[0].path).toBe("answers.0.questionId");
  });

  it("refuses answers after the deadline with 409 carrying the deadline, and grades the saved ones on submit", async () => {
    const exam = await publishedExam(t, instructor, course.id, { durationMinutes: 5 });
    const attempt = (await t.as(student).post(`/api/exams/${exam.id}/attempts`)).body;
    await t
      .as(student)
      .put(`/api/attempts/${attempt.id}/answers`, { answers: rightAnswers(exam).slice(0, 2) });
    t.clock.advance(5 * MINUTE);
    const late = await t
      .as(student)
      .put(`/api/attempts/${attempt.id}/answers`, { answers: rightAnswers(exam) });
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({
      type: "https://lectern.dev/problems/attempt-deadline-passed",
      status: 409,
      deadline: attempt.deadline,
    });
    expect(late.body.detail).toContain("no more answers are accepted");
    const submitted = await t.as(student).post(`/api/attempts/${attempt.id}/submit`);
    expect(submitted.status).toBe(200);
    expect(submitted.body).toMatchObject({ status: "graded", score: 5, passed: true, endedBy: "deadline" });
    expect(submitted.body.submittedAt).toBe(attempt.deadline);
  });

  it("answers 404 for another student's attempt, on every route", async () => {
    const exam = await publishedExam(t, instructor, course.id);
    const attempt = (await t.as(student).post(`/api/exams/${exam.id}/attempts`)).body;
    expect((await t.as(classmate).get(`/api/attempts/${attempt.id}`)).status).toBe(404);
    expect((await t.as(classmate).put(`/api/attempts/${attempt.id}/answers`, { answers: [] })).status).toBe(
      404,
    );
    expect((await t.as(classmate).post(`/api/attempts/${attempt.id}/submit`)).status).toBe(404);
    const otherInstructor = await t.createUser("instructor");
    expect((await t.as(otherInstructor).get(`/api/attempts/${attempt.id}`)).status).toBe(404);
    expect((await t.as(otherInstructor).get(`/api/exams/${exam.id}/attempts`)).status).toBe(404);
  });

  it("refuses a fourth attempt when three are allowed (409)", async () => {
    const exam = await publishedExam(t, instructor, course.id, { maxAttempts: 3 });
    for (let i = 1; i <= 3; i++) {
      const attempt = await t.as(student).post(`/api/exams/${exam.id}/attempts`);
      expect(attempt.status).toBe(201);
      expect(attempt.body.number).toBe(i);
      expect((await t.as(student).post(`/api/attempts/${attempt.body.id}/submit`)).status).toBe(200);
    }
    const fourth = await t.as(student).post(`/api/exams/${exam.id}/attempts`);
    expect(fourth.status).toBe(409);
    expect(fourth.body).toMatchObject({
      type: "https://lectern.dev/problems/no-attempts-left",
      maxAttempts: 3,
    });
  });

  it("grades two concurrent submits once, and both callers get the same result", async () => {
    const exam = await publishedExam(t, instructor, course.id);
    const attempt = (await t.as(student).post(`/api/exams/${exam.id}/attempts`)).body;
    await t.as(student).put(`/api/attempts/${attempt.id}/answers`, { answers: rightAnswers(exam) });
    const [a, b] = await Promise.all([
      t.as(student).post(`/api/attempts/${attempt.id}/submit`),
      t.as(student).post(`/api/attempts/${attempt.id}/submit`),
    ]);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(a.body).toEqual(b.body);
    expect(a.body).toMatchObject({
      status: "graded",
      score: 10,
      maxScore: 10,
      passed: true,
      endedBy: "student",
    });
    expect(await eventsFor("exam.submitted", attempt.id)).toHaveLength(1);
    expect(await eventsFor("exam.graded", attempt.id)).toEqual([
      {
        attemptId: attempt.id,
        examId: exam.id,
        courseId: course.id,
        userId: student.id,
        score: 10,
        maxScore: 10,
        passed: true,
        manual: false,
      },
    ]);
    const third = await t.as(student).post(`/api/attempts/${attempt.id}/submit`);
    expect(third.body).toEqual(a.body);
    const late = await t.as(student).put(`/api/attempts/${attempt.id}/answers`, { answers: [] });
    expect(late.status).toBe(409);
  });

  it("grades attempts left open past their deadline from their saved answers, by the scheduled job", async () => {
    const exam = await publishedExam(t, instructor, course.id, { durationMinutes: 10 });
    const attempt = (await t.as(classmate).post(`/api/exams/${exam.id}/attempts`)).body;
    await t
      .as(classmate)
      .put(`/api/attempts/${attempt.id}/answers`, { answers: wrongAnswers(exam).slice(0, 3) });
    t.clock.advance(10 * MINUTE);
    await runScheduledJobs();
    const list = await t.as(instructor).get(`/api/exams/${exam.id}/attempts`);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({
      id: attempt.id,
      status: "graded",
      endedBy: "deadline",
      score: 0,
      passed: false,
      submittedAt: attempt.deadline,
      user: { id: classmate.id, name: "Cleo Classmate" },
    });
    expect(await eventsFor("exam.submitted", attempt.id)).toEqual([
      {
        attemptId: attempt.id,
        examId: exam.id,
        courseId: course.id,
        userId: classmate.id,
        endedBy: "deadline",
      },
    ]);
  });
});

describe("results and review", () => {
  it("shows the key after submission only when the exam allows review", async () => {
    for (const allowReview of [false, true]) {
      const exam = await publishedExam(t, instructor, course.id, { allowReview });
      const attempt = (await t.as(student).post(`/api/exams/${exam.id}/attempts`)).body;
      await t.as(student).put(`/api/attempts/${attempt.id}/answers`, { answers: rightAnswers(exam) });
      const submitted = await t.as(student).post(`/api/attempts/${attempt.id}/submit`);
      const read = await t.as(student).get(`/api/attempts/${attempt.id}`);
      for (const res of [submitted, read]) {
        const text = JSON.stringify(res.body);
        expect(res.body.review).toBe(allowReview);
        expect(text.includes('"correct"')).toBe(allowReview);
        expect(text.includes("bilayer-ACCEPTED")).toBe(allowReview);
        expect(text.includes(KEY_FEEDBACK.right)).toBe(allowReview);
        expect(res.body).toMatchObject({ score: 10, passed: true });
      }
      const owner = await t.as(instructor).get(`/api/attempts/${attempt.id}`);
      expect(owner.body.review).toBe(true);
      expect(JSON.stringify(owner.body)).toContain(KEY_FEEDBACK.wrong);
    }
  });

  it("sends unmatched short answers to review; the instructor grades them with marks and feedback", async () => {
    const exam = await publishedExam(t, instructor, course.id, { allowReview: true, passingMarks: 8 });
    const attempt = (await t.as(student).post(`/api/exams/${exam.id}/attempts`)).body;
    const answers = rightAnswers(exam);
    const short = answers.find((a) => a.text)!;
    short.text = "two layers of lipids";
    await t.as(student).put(`/api/attempts/${attempt.id}/answers`, { answers });
    const submitted = await t.as(student).post(`/api/attempts/${attempt.id}/submit`);
    expect(submitted.body).toMatchObject({ status: "needs_review", score: 6, passed: null });
    expect(await eventsFor("exam.graded", attempt.id)).toEqual([]);

    const tooMany = await t.as(instructor).post(`/api/attempts/${attempt.id}/grade`, {
      grades: [{ questionId: short.questionId, marks: 5 }],
    });
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.errors[0].path).toBe("grades.0.marks");
    expect(
      (
        await t
          .as(student)
          .post(`/api/attempts/${attempt.id}/grade`, { grades: [{ questionId: short.questionId, marks: 4 }] })
      ).status,
    ).toBe(403);

    const graded = await t.as(instructor).post(`/api/attempts/${attempt.id}/grade`, {
      grades: [{ questionId: short.questionId, marks: 3.5, feedback: "Right idea; the word is bilayer." }],
    });
    expect(graded.status).toBe(200);
    expect(graded.body).toMatchObject({ status: "graded", score: 9.5, passed: true });
    expect(await eventsFor("exam.graded", attempt.id)).toEqual([
      expect.objectContaining({ score: 9.5, manual: true }),
    ]);
    const mine = await t.as(student).get(`/api/attempts/${attempt.id}`);
    const question = mine.body.questions.find((q: { id: string }) => q.id === short.questionId);
    expect(question.result).toMatchObject({
      marks: 3.5,
      feedback: "Right idea; the word is bilayer.",
      manual: true,
    });
  });

  it("gives partial credit for multiple questions when the exam asks for it", async () => {
    const exam = await publishedExam(t, instructor, course.id, {
      questions: [
        {
          type: "multiple",
          prompt: "Which are eukaryotes?",
          marks: 3,
          partialCredit: "proportional",
          options: [
            { text: "Yeast", correct: true },
            { text: "Amoeba", correct: true },
            { text: "E. coli", correct: false },
          ],
        },
      ],
    });
    const attempt = (await t.as(student).post(`/api/exams/${exam.id}/attempts`)).body;
    const yeast = exam.questions[0]!.options!.find((o) => o.text === "Yeast")!;
    await t.as(student).put(`/api/attempts/${attempt.id}/answers`, {
      answers: [{ questionId: exam.questions[0]!.id, optionIds: [yeast.id] }],
    });
    expect((await t.as(student).post(`/api/attempts/${attempt.id}/submit`)).body).toMatchObject({
      score: 1.5,
      passed: true,
    });
  });
});

describe("nothing gives the key away before submission", () => {
  it("no response a student can get from the exams routes before submitting holds an answer key", async () => {
    const exam = await publishedExam(t, instructor, course.id, {
      shuffle: true,
      allowReview: true,
      maxAttempts: 2,
    });
    const responses: [string, TestResponse][] = [];
    const as = t.as(student);
    const record = async (label: string, call: Promise<TestResponse>) => {
      const res = await call;
      responses.push([label, res]);
      return res;
    };
    await record("list exams", as.get(`/api/courses/${course.id}/exams`));
    await record("get exam", as.get(`/api/exams/${exam.id}`));
    const started = await record("start", as.post(`/api/exams/${exam.id}/attempts`));
    const id = started.body.id;
    await record("resume", as.post(`/api/exams/${exam.id}/attempts`));
    await record("get attempt", as.get(`/api/attempts/${id}`));
    await record("save right", as.put(`/api/attempts/${id}/answers`, { answers: rightAnswers(exam) }));
    await record("save wrong", as.put(`/api/attempts/${id}/answers`, { answers: wrongAnswers(exam) }));
    await record(
      "save short",
      as.put(`/api/attempts/${id}/answers`, {
        answers: [{ questionId: exam.questions[3]!.id, text: "bilayer-accepted" }],
      }),
    );
    await record(
      "save invalid",
      as.put(`/api/attempts/${id}/answers`, {
        answers: [
          { questionId: exam.questions[0]!.id, optionIds: exam.questions[0]!.options!.map((o) => o.id) },
        ],
      }),
    );
    await record(
      "save text on a choice",
      as.put(`/api/attempts/${id}/answers`, { answers: [{ questionId: exam.questions[0]!.id, text: "x" }] }),
    );
    await record("grades", as.get("/api/me/grades"));
    await record("attempts list (refused)", as.get(`/api/exams/${exam.id}/attempts`));
    await record("grade (refused)", as.post(`/api/attempts/${id}/grade`, { grades: [] }));
    await record("gradebook (refused)", as.get(`/api/courses/${course.id}/gradebook`));
    await record("publish (refused)", as.post(`/api/exams/${exam.id}/publish`));
    await record("edit (refused)", as.patch(`/api/exams/${exam.id}`, { title: "x" }));
    await record("openapi", as.get("/api/openapi.json"));

    const correctOptionIds = exam.questions.flatMap((q) =>
      (q.options ?? []).filter((o) => o.correct).map((o) => o.id),
    );
    for (const [label, res] of responses) {
      expect(res.status, label).toBeLessThan(500);
      const text = JSON.stringify(res.body);
      if (label === "openapi") {
        expect(text.includes("bilayer-ACCEPTED"), label).toBe(false);
        continue;
      }
      expect(text, label).not.toMatch(/"correct"\s*:/);
      expect(text, label).not.toMatch(/"accepted"\s*:/);
      expect(text, label).not.toMatch(/"weight"\s*:/);
      expect(text, label).not.toMatch(/"feedback"\s*:/);
      expect(text, label).not.toMatch(/"result"\s*:/);
      expect(text, label).not.toContain("bilayer-ACCEPTED");
      expect(text, label).not.toContain("bi-layer-ACCEPTED");
      for (const feedback of Object.values(KEY_FEEDBACK)) expect(text, label).not.toContain(feedback);
      // The student's own saved answers may name correct options; nothing else may single them
      // out: outside those answers, a correct option's id appears exactly as often as the others'.
      const shown = JSON.stringify(res.body ?? null, (key, value) => (key === "answers" ? undefined : value));
      const occurrences = (id: string) => shown.split(id).length - 1;
      for (const correctId of correctOptionIds) {
        const question = exam.questions.find((q) => q.options?.some((o) => o.id === correctId))!;
        const wrongId = question.options!.find((o) => !o.correct)!.id;
        expect(occurrences(correctId), `${label}: ${correctId}`).toBe(occurrences(wrongId));
      }
      if (res.body?.questions) {
        for (const q of res.body.questions as { options?: Record<string, unknown>[] }[]) {
          for (const option of q.options ?? [])
            expect(Object.keys(option).sort(), label).toEqual(["id", "text"]);
        }
      }
    }
  });
});

describe("course completion", () => {
  it("completes a course with published exams only when every one is passed", async () => {
    const learner = await t.createUser("student");
    const own = await courseWithStudents(t, instructor, admin, [learner], "Completion");
    const first = await publishedExam(t, instructor, own.id, { maxAttempts: 2 });
    const second = await publishedExam(t, instructor, own.id);
    const enrollment = async () =>
      (await t.as(learner).get("/api/me/enrollments")).body.items.find(
        (e: { courseId: string }) => e.courseId === own.id,
      );

    const take = async (exam: typeof first, answers: ReturnType<typeof rightAnswers>) => {
      const attempt = (await t.as(learner).post(`/api/exams/${exam.id}/attempts`)).body;
      await t.as(learner).put(`/api/attempts/${attempt.id}/answers`, { answers });
      return (await t.as(learner).post(`/api/attempts/${attempt.id}/submit`)).body;
    };
    expect((await take(first, wrongAnswers(first))).passed).toBe(false);
    expect((await take(first, rightAnswers(first))).passed).toBe(true);
    await t.drain(); // a pass queues the completion check
    // Progress counts each exam as completion does: one of two passed is half, never "100%".
    expect(await enrollment()).toMatchObject({ status: "active", progress: 0.5 });
    // A new exam is one more requirement for everyone in the course, at once.
    const third = await publishedExam(t, instructor, own.id);
    expect(await enrollment()).toMatchObject({ status: "active", progress: 0.3333 });
    expect((await take(second, rightAnswers(second))).passed).toBe(true);
    await t.drain();
    expect(await enrollment()).toMatchObject({ status: "active", progress: 0.6667 });
    expect((await take(third, rightAnswers(third))).passed).toBe(true);
    await t.drain();
    expect(await enrollment()).toMatchObject({ status: "completed", progress: 1 });

    const students = await t.as(instructor).get(`/api/courses/${own.id}/students`);
    expect(students.body.items[0].exams).toMatchObject({ passed: 3, total: 3 });
  });
});

describe("grades", () => {
  it("lists the student's marks per course and exam, and the instructor's gradebook with CSV", async () => {
    const pupil = await t.createUser("student", { name: '=Pat, "the" Pupil' });
    const peer = await t.createUser("student", { name: "Alex Peer" });
    const own = await courseWithStudents(t, instructor, admin, [pupil, peer], "Grades");
    const best = await publishedExam(t, instructor, own.id, { title: "Best counts", maxAttempts: 2 });
    t.clock.advance(1_000); // the gradebook orders exams by when they were published
    const last = await publishedExam(t, instructor, own.id, {
      title: "Last counts",
      maxAttempts: 2,
      gradePolicy: "last",
    });
    const take = async (exam: typeof best, answers: ReturnType<typeof rightAnswers>) => {
      const attempt = (await t.as(pupil).post(`/api/exams/${exam.id}/attempts`)).body;
      await t.as(pupil).put(`/api/attempts/${attempt.id}/answers`, { answers });
      return (await t.as(pupil).post(`/api/attempts/${attempt.id}/submit`)).body;
    };
    await take(best, rightAnswers(best));
    await take(best, wrongAnswers(best));
    await take(last, rightAnswers(last));
    await take(last, wrongAnswers(last));

    const mine = await t.as(pupil).get("/api/me/grades");
    expect(mine.status).toBe(200);
    expect(mine.body.nextCursor).toBeNull();
    const byTitle = Object.fromEntries(mine.body.items.map((g: { examTitle: string }) => [g.examTitle, g]));
    expect(byTitle["Best counts"]).toMatchObject({
      courseId: own.id,
      attempts: 2,
      score: 10,
      maxScore: 10,
      passed: true,
    });
    expect(byTitle["Last counts"]).toMatchObject({
      attempts: 2,
      score: 0,
      passed: false,
      gradePolicy: "last",
    });

    const book = await t.as(instructor).get(`/api/courses/${own.id}/gradebook`);
    expect(book.status).toBe(200);
    expect(book.body.exams.map((e: { title: string }) => e.title)).toEqual(["Best counts", "Last counts"]);
    const rows = Object.fromEntries(book.body.items.map((r: { user: { name: string } }) => [r.user.name, r]));
    expect(rows["Alex Peer"].grades.map((g: { attempts: number }) => g.attempts)).toEqual([0, 0]);
    expect(rows[pupil.name].grades.map((g: { score: number }) => g.score)).toEqual([10, 0]);

    const page = await t.as(instructor).get(`/api/courses/${own.id}/gradebook?limit=1`);
    expect(page.body.items).toHaveLength(1);
    const next = await t
      .as(instructor)
      .get(`/api/courses/${own.id}/gradebook?limit=1&cursor=${page.body.nextCursor}`);
    expect(next.body.items[0].user.id).not.toBe(page.body.items[0].user.id);

    const csv = await t.as(instructor).get(`/api/courses/${own.id}/gradebook.csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toContain("text/csv");
    const lines = csv.body.trim().split("\r\n");
    expect(lines[0]).toBe(
      "student,email,Best counts (/10),Best counts passed,Last counts (/10),Last counts passed",
    );
    expect(lines).toContain(`Alex Peer,${peer.email},,,,`);
    expect(lines).toContain(`"'=Pat, ""the"" Pupil",${pupil.email},10,yes,0,no`);

    expect((await t.as(student).get(`/api/courses/${own.id}/gradebook`)).status).toBe(403);
    const stranger = await t.createUser("instructor");
    expect((await t.as(stranger).get(`/api/courses/${own.id}/gradebook.csv`)).status).toBe(404);
  });
});

describe("admin analytics", () => {
  it("counts graded and passed attempts, this week and per course", async () => {
    const [first, second] = [await t.createUser("student"), await t.createUser("student")];
    const own = await courseWithStudents(t, instructor, admin, [first, second], "Analytics");
    const exam = await publishedExam(t, instructor, own.id);
    const before = (await t.as(admin).get("/api/admin/analytics?weeks=4")).body;
    for (const [learner, answers] of [
      [first, rightAnswers(exam)],
      [second, wrongAnswers(exam)],
    ] as const) {
      const attempt = (await t.as(learner).post(`/api/exams/${exam.id}/attempts`)).body;
      await t.as(learner).put(`/api/attempts/${attempt.id}/answers`, { answers });
      await t.as(learner).post(`/api/attempts/${attempt.id}/submit`);
    }

    const res = await t.as(admin).get("/api/admin/analytics?weeks=4");
    expect(res.status).toBe(200);
    expect(res.body.weeks).toHaveLength(4);
    expect(res.body.totals.attemptsGraded).toBe(before.totals.attemptsGraded + 2);
    expect(res.body.totals.attemptsPassed).toBe(before.totals.attemptsPassed + 1);
    const thisWeek = (name: string, body = res.body) => body.series[name].at(-1).value;
    expect(thisWeek("attemptsGraded")).toBe(thisWeek("attemptsGraded", before) + 2);
    expect(thisWeek("attemptsPassed")).toBe(thisWeek("attemptsPassed", before) + 1);
    expect(res.body.breakdowns.passRateByCourse).toContainEqual({
      key: own.id,
      label: expect.stringContaining("Analytics"),
      value: 1,
      total: 2,
    });
    // Courses contribute too: the new enrollments count this week.
    expect(res.body.totals.enrollments).toBeGreaterThanOrEqual(2);
    expect(res.body.breakdowns.coursesByStatus).toContainEqual(
      expect.objectContaining({ key: "published", value: expect.any(Number) }),
    );

    expect((await t.as(instructor).get("/api/admin/analytics")).status).toBe(403);
    expect((await t.as(admin).get("/api/admin/analytics?weeks=0")).status).toBe(422);
  });
});
