import { DAY } from "@lectern/core";
import type { TestLectern, TestUser } from "@lectern/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CourseFixture,
  enroll,
  publishedCourse,
  recommendations$,
  recsLectern,
} from "./test-helpers.js";

interface RiskItem {
  student: { id: string; name: string };
  risk: number;
  factors: { name: string; label: string; value: number | null; contribution: number }[];
  change: number | null;
}

const QUESTIONS = [
  {
    type: "true_false",
    prompt: "Water boils at 100 °C at sea level.",
    marks: 1,
    options: [
      { text: "True", correct: true },
      { text: "False", correct: false },
    ],
  },
];

describe("students at risk", () => {
  let t: TestLectern;
  let admin: TestUser;
  let owner: TestUser;
  let other: TestUser;
  let course: CourseFixture;
  let empty: CourseFixture;
  let strong: TestUser;
  let struggling: TestUser;
  let absent: TestUser;

  async function takeExam(student: TestUser, examId: string, right: boolean) {
    const started = await t.as(student).post(`/api/exams/${examId}/attempts`);
    expect(started.status).toBe(201);
    const question = started.body.questions[0];
    const option = question.options.find((o: { text: string }) => o.text === (right ? "True" : "False"));
    const attemptId = started.body.id;
    expect(
      (
        await t.as(student).put(`/api/attempts/${attemptId}/answers`, {
          answers: [{ questionId: question.id, optionIds: [option.id] }],
        })
      ).status,
    ).toBe(200);
    expect((await t.as(student).post(`/api/attempts/${attemptId}/submit`)).status).toBe(200);
  }

  async function exam(closesInDays: number) {
    const created = await t.as(owner).post(`/api/courses/${course.id}/exams`, {
      title: `Quiz ${closesInDays}`,
      questions: QUESTIONS,
      closesAt: new Date(t.clock.now().getTime() + closesInDays * DAY).toISOString(),
    });
    expect(created.status).toBe(201);
    expect((await t.as(owner).post(`/api/exams/${created.body.id}/publish`)).status).toBe(200);
    return created.body.id as string;
  }

  beforeAll(async () => {
    t = await recsLectern();
    admin = await t.createUser("admin");
    owner = await t.createUser("instructor", { name: "Olive Owner", email: "olive@uni.example" });
    other = await t.createUser("instructor");
    course = await publishedCourse(t, owner, admin, { title: "Chemistry I", tags: ["chemistry"] });
    empty = await publishedCourse(t, owner, admin, { title: "Empty Course", tags: ["chemistry"] });
    strong = await t.createUser("student", { name: "Sam Strong" });
    struggling = await t.createUser("student", { name: "Stu Struggling" });
    absent = await t.createUser("student", { name: "Abe Absent" });
    for (const s of [strong, struggling, absent]) await enroll(t, s, course);
    const first = await exam(3);
    const second = await exam(30);
    await takeExam(strong, first, true);
    await takeExam(struggling, first, false);
    void second; // still open: nobody has missed it
    expect((await t.as(strong).post(`/api/materials/${course.materialId}/complete`)).status).toBe(200);
    await t.drain();
    t.clock.advance(10 * DAY); // the first quiz has closed: Abe missed it
  });
  afterAll(() => t?.close());

  it("shows the owner each active student's risk with the factors behind it, riskiest first", async () => {
    const res = await t.as(owner).get(`/api/courses/${course.id}/at-risk`);
    expect(res.status).toBe(200);
    const items = res.body.items as RiskItem[];
    // Too little history for a model: the transparent rules score (0.1 + 0.3 for marks under
    // 40%, + 0.25 for a missed assessment).
    expect(items.map((i) => [i.student.name, i.risk])).toEqual([
      ["Stu Struggling", 0.4],
      ["Abe Absent", 0.35],
      ["Sam Strong", 0.1],
    ]);
    const abe = items[1] as RiskItem;
    expect(abe.factors.map((f) => f.name)).toEqual([
      "paceAgainstCohort",
      "daysInactive",
      "marksSoFar",
      "missedAssessments",
      "attendance",
    ]);
    expect(abe.factors.find((f) => f.name === "missedAssessments")).toMatchObject({
      value: 1,
      label: "Missed assessments",
    });
    expect(abe.factors.find((f) => f.name === "daysInactive")?.value).toBe(10);
    expect(abe.factors.find((f) => f.name === "missedAssessments")?.contribution).toBe(0.25);
    expect((items[0] as RiskItem).factors.find((f) => f.name === "marksSoFar")).toMatchObject({
      value: 0,
      contribution: 0.3,
    });
    // Sam's progress counts what completion counts: the material and the first quiz of three items
    // (the second quiz is still open), against a cohort median of nothing done.
    expect((items[2] as RiskItem).factors.find((f) => f.name === "paceAgainstCohort")?.value).toBe(0.667);
    expect(abe.change).toBeNull();
    // Attendance is not installed here: unknown, and it counts for nothing.
    expect(abe.factors.find((f) => f.name === "attendance")).toMatchObject({ value: null, contribution: 0 });
    expect(res.body.threshold).toBe(0.4);
  });

  it("answers 404 to another instructor, 403 to a student, an empty list for a course with no students", async () => {
    expect((await t.as(other).get(`/api/courses/${course.id}/at-risk`)).status).toBe(404);
    expect((await t.as(struggling).get(`/api/courses/${course.id}/at-risk`)).status).toBe(403);
    expect((await t.as(admin).get(`/api/courses/${course.id}/at-risk`)).status).toBe(200);
    expect((await t.as(owner).get("/api/courses/00000000-0000-4000-8000-000000000000/at-risk")).status).toBe(
      404,
    );
    const none = await t.as(owner).get(`/api/courses/${empty.id}/at-risk`);
    expect(none.status).toBe(200);
    expect(none.body.items).toEqual([]);
  });

  it("scores on schedule, mails the instructor once per week, and shows the change since last week", async () => {
    const service = recommendations$(t);
    const before = t.mail.length;
    await service.atRisk.scoreCourse(course.id);
    await t.drain();
    await service.atRisk.scoreCourse(course.id);
    await t.drain();
    const mails = t.mail.slice(before);
    expect(mails).toHaveLength(1);
    expect(mails[0]?.to).toEqual(["olive@uni.example"]);
    expect(mails[0]?.subject).toBe("1 student at risk in Chemistry I");
    expect(mails[0]?.text).toContain("Stu Struggling: 40% risk (mostly marks so far)");
    expect(mails[0]?.text).not.toContain("Abe Absent");

    t.clock.advance(7 * DAY);
    await service.atRisk.scoreCourse(course.id);
    await t.drain();
    expect(t.mail.length - before).toBe(2);
    expect(t.mail.at(-1)?.subject).toBe("2 students at risk in Chemistry I");
    const items = (await t.as(owner).get(`/api/courses/${course.id}/at-risk`)).body.items as RiskItem[];
    const abe = items.find((i) => i.student.name === "Abe Absent") as RiskItem;
    expect(abe.factors.find((f) => f.name === "daysInactive")?.value).toBe(17);
    // Seventeen days without activity adds the inactivity rule: up 0.2 on a week ago.
    expect(abe.risk).toBe(0.55);
    expect(abe.change).toBe(0.2);
  });

  it("trains transparent rules on too little history, and keeps the previous model when training fails", async () => {
    const service = recommendations$(t);
    const trained = await service.atRisk.train();
    expect(trained.kind).toBe("rules");
    // The real courses service, failing on its second course: the job stops half-way.
    const courses = t.lectern.services.get("courses") as {
      listStudents: (...args: never[]) => Promise<unknown>;
    };
    const original = courses.listStudents;
    let calls = 0;
    courses.listStudents = async (...args) => {
      if (++calls > 1) throw new Error("connection reset");
      return original(...args);
    };
    try {
      await expect(service.atRisk.train()).rejects.toThrow("connection reset");
    } finally {
      courses.listStudents = original;
    }
    expect((await service.atRisk.activeModel()).id).toBe(trained.modelId);
  });
});
