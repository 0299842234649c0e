import { MINUTE, rowsOf } from "@lectern/core";
import type { TestLectern, TestUser } from "@lectern/core/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  courseWithStudents,
  examsLectern,
  KEY_FEEDBACK,
  publishedExam,
  rightAnswers,
} from "./test-helpers.js";

// Starts arriving together are opened in one statement (group commit). Rows written by one
// statement share its transaction id (`xmin`), which is how these tests see the batching.

let t: TestLectern;
let instructor: TestUser;
let students: TestUser[];
let course: { id: string };

beforeAll(async () => {
  t = await examsLectern();
  const admin = await t.createUser("admin");
  instructor = await t.createUser("instructor");
  students = [];
  for (let i = 0; i < 12; i++) students.push(await t.createUser("student", { name: `Student ${i + 1}` }));
  course = await courseWithStudents(t, instructor, admin, students, "Exam day");
});
afterAll(() => t.close());

async function rowsOfExam(examId: string) {
  return rowsOf<{ id: string; user_id: string; number: number; status: string; tx: string }>(
    await t.lectern.db.execute(
      sql`select id, user_id, number, status, xmin::text as tx from exams_attempts where exam_id = ${examId}`,
    ),
  );
}

describe("starting an exam together", () => {
  it("opens the attempts of students starting at once together, each their own, with its timer and no key", async () => {
    const now = t.clock.now().getTime();
    const exam = await publishedExam(t, instructor, course.id, { durationMinutes: 45 });
    const started = await Promise.all(students.map((s) => t.as(s).post(`/api/exams/${exam.id}/attempts`)));

    expect(started.map((r) => r.status)).toEqual(students.map(() => 201));
    started.forEach((r, i) => {
      expect(r.body).toMatchObject({
        examId: exam.id,
        userId: students[i]!.id,
        number: 1,
        status: "in_progress",
        startedAt: new Date(now).toISOString(),
        deadline: new Date(now + 45 * MINUTE).toISOString(),
        answers: [],
      });
      expect(r.body.questions).toHaveLength(4);
      const text = JSON.stringify(r.body);
      for (const secret of [...Object.values(KEY_FEEDBACK), "ACCEPTED", '"correct"'])
        expect(text).not.toContain(secret);
    });
    const rows = await rowsOfExam(exam.id);
    expect(new Set(rows.map((r) => r.id))).toEqual(new Set(started.map((r) => r.body.id)));
    expect(new Set(rows.map((r) => r.user_id)).size).toBe(students.length);
    // Fewer statements than students: the starts that waited for the first went out together.
    expect(new Set(rows.map((r) => r.tx)).size).toBeLessThan(students.length);

    // Each is a working attempt: the answers saved are graded on submit.
    const first = started[0]!.body;
    const saved = await t
      .as(students[0]!)
      .put(`/api/attempts/${first.id}/answers`, { answers: rightAnswers(exam) });
    expect(saved.status).toBe(200);
    const submitted = await t.as(students[0]!).post(`/api/attempts/${first.id}/submit`);
    expect(submitted.body).toMatchObject({ status: "graded", score: 10, passed: true });
  });

  it("opens one attempt for a student starting several times among others, and answers each request with it", async () => {
    const exam = await publishedExam(t, instructor, course.id, { maxAttempts: 3 });
    const [eager, ...others] = students;
    const requests = [
      ...[1, 2, 3].map(() => t.as(eager!).post(`/api/exams/${exam.id}/attempts`)),
      ...others.map((s) => t.as(s).post(`/api/exams/${exam.id}/attempts`)),
    ];
    const responses = await Promise.all(requests);
    const mine = responses.slice(0, 3);
    expect(mine.map((r) => r.status).sort()).toEqual([200, 200, 201]);
    expect(new Set(mine.map((r) => r.body.id)).size).toBe(1);
    expect(responses.slice(3).map((r) => r.status)).toEqual(others.map(() => 201));

    const rows = await rowsOfExam(exam.id);
    expect(rows).toHaveLength(students.length);
    const eagers = rows.filter((r) => r.user_id === eager!.id);
    expect(eagers).toEqual([
      expect.objectContaining({ id: mine[0]!.body.id, number: 1, status: "in_progress" }),
    ]);
  });

  it("reads each start's own enrollment and attempts, even when read together with others'", async () => {
    const exam = await publishedExam(t, instructor, course.id, { maxAttempts: 1 });
    const outsider = await t.createUser("student", { name: "Not Enrolled" });
    const [done, ...rest] = students;
    const first = await t.as(done!).post(`/api/exams/${exam.id}/attempts`);
    await t.as(done!).post(`/api/attempts/${first.body.id}/submit`);
    const responses = await Promise.all(
      [outsider, done!, ...rest].map((s) => t.as(s).post(`/api/exams/${exam.id}/attempts`)),
    );
    // Not enrolled: 404; the one attempt used: 409; the others start theirs.
    expect(responses.map((r) => r.status)).toEqual([404, 409, ...rest.map(() => 201)]);
    expect(responses[1]!.body.type).toBe("https://lectern.dev/problems/no-attempts-left");
  });

  it("numbers a student's next attempt after a submitted one when the class starts again together", async () => {
    const exam = await publishedExam(t, instructor, course.id, { maxAttempts: 2 });
    const firsts = await Promise.all(students.map((s) => t.as(s).post(`/api/exams/${exam.id}/attempts`)));
    await Promise.all(students.map((s, i) => t.as(s).post(`/api/attempts/${firsts[i]!.body.id}/submit`)));
    const seconds = await Promise.all(students.map((s) => t.as(s).post(`/api/exams/${exam.id}/attempts`)));
    expect(seconds.map((r) => [r.status, r.body.number])).toEqual(students.map(() => [201, 2]));
    const thirds = await Promise.all(students.map((s) => t.as(s).post(`/api/exams/${exam.id}/attempts`)));
    // The second attempts are open: each student resumes theirs.
    expect(thirds.map((r) => r.body.id)).toEqual(seconds.map((r) => r.body.id));
    expect(await rowsOfExam(exam.id)).toHaveLength(2 * students.length);
  });
});
