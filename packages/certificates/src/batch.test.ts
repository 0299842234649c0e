import { createTestLectern, type TestLectern, type TestUser } from "@lectern/core/testing";
import { courses } from "@lectern/courses";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  approveCourseCertificates,
  type CertificateTemplate,
  certificates,
  defaultTemplate,
} from "./index.js";
import { completeCourse, courseToComplete, type TestCourse } from "./test-helpers.js";

/** The default template, except that it crashes on one holder, as a buggy custom template might. */
const crashing: CertificateTemplate = (data, kit) => {
  if (data.holderName.startsWith("Crash")) throw new Error("the template crashed");
  return defaultTemplate(data, kit);
};

let t: TestLectern;
let admin: TestUser;
let instructor: TestUser;

beforeAll(async () => {
  t = await createTestLectern({
    plugins: [courses(), certificates({ template: crashing, batchChunkSize: 2 })],
  });
  admin = await t.createUser("admin");
  instructor = await t.createUser("instructor");
});
afterAll(() => t.close());

async function courseWithRequests(names: string[], title: string): Promise<TestCourse & { ids: string[] }> {
  const course = await courseToComplete(t, instructor, admin, title);
  for (const name of names) await completeCourse(t, await t.createUser("student", { name }), course);
  await t.drain();
  const pending = await t.as(admin).get(`/api/admin/certificates?status=pending&courseId=${course.id}`);
  expect(pending.body.items).toHaveLength(names.length);
  return { ...course, ids: pending.body.items.map((c: { id: string }) => c.id) };
}

describe("batch approval", () => {
  it("issues a course's pending requests in a job, reports progress, and survives one crashing certificate", async () => {
    const course = await courseWithRequests(
      ["Ada Lovelace", "Crash Override", "Björn Ångström", "Ελένη Γεωργίου", "محمد عبد الله"],
      "Batch Course",
    );
    const mailBefore = t.mail.length;
    const started = await t.as(admin).post("/api/admin/certificates/batches", { courseId: course.id });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({
      status: "running",
      courseId: course.id,
      total: 5,
      done: 0,
      failures: [],
    });

    await t.lectern.jobs.runDue(); // one run works one chunk (two certificates here)
    const midway = await t.as(admin).get(`/api/admin/certificates/batches/${started.body.id}`);
    expect(midway.body).toMatchObject({ status: "running", total: 5, done: 2 });

    await t.drain();
    const finished = await t.as(admin).get(`/api/admin/certificates/batches/${started.body.id}`);
    expect(finished.body).toMatchObject({
      status: "completed",
      total: 5,
      done: 5,
      issued: 3,
      skipped: 0,
      failed: 2,
      finishedAt: expect.any(String),
    });
    const byCertificate = await t.as(admin).get(`/api/admin/certificates?courseId=${course.id}`);
    const statusOf = (name: string) =>
      byCertificate.body.items.find((c: { holderName: string }) => c.holderName === name);
    expect(statusOf("Crash Override").status).toBe("pending");
    expect(statusOf("محمد عبد الله").status).toBe("pending");
    expect(statusOf("Björn Ångström").status).toBe("issued");
    expect(finished.body.failures).toEqual(
      expect.arrayContaining([
        {
          certificateId: statusOf("Crash Override").id,
          outcome: "failed",
          error: expect.stringMatching(/crashed/),
        },
        {
          certificateId: statusOf("محمد عبد الله").id,
          outcome: "failed",
          error: expect.stringMatching(/font/),
        },
      ]),
    );
    expect(t.mail.length).toBe(mailBefore + 3);
    expect(await t.lectern.jobs.failed()).toEqual([]);
  });

  it("skips, with the reason, listed requests that are no longer pending", async () => {
    const course = await courseWithRequests(["Grace Hopper", "Alan Turing"], "Skip Course");
    const [first, second] = course.ids as [string, string];
    expect((await t.as(admin).post(`/api/admin/certificates/${first}/approve`)).status).toBe(200);
    const started = await t.as(admin).post("/api/admin/certificates/batches", { ids: [first, second] });
    expect(started.status).toBe(202);
    await t.drain();
    const finished = await t.as(admin).get(`/api/admin/certificates/batches/${started.body.id}`);
    expect(finished.body).toMatchObject({
      status: "completed",
      total: 2,
      done: 2,
      issued: 1,
      skipped: 1,
      failed: 0,
    });
    expect(finished.body.failures).toEqual([
      { certificateId: first, outcome: "skipped", error: "This certificate is already issued." },
    ]);
  });

  it("refuses bad batch requests", async () => {
    const post = (body: unknown) => t.as(admin).post("/api/admin/certificates/batches", body);
    expect((await post({})).status).toBe(422);
    expect((await post({ courseId: crypto.randomUUID(), ids: [crypto.randomUUID()] })).status).toBe(422);
    expect((await post({ ids: [] })).status).toBe(422);
    expect((await post({ ids: ["nope"] })).status).toBe(422);
    const unknown = await post({ ids: [crypto.randomUUID()] });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors[0].path).toBe("ids.0");
    expect((await post({ courseId: crypto.randomUUID() })).status).toBe(404);
    expect((await t.as(admin).get(`/api/admin/certificates/batches/${crypto.randomUUID()}`)).status).toBe(
      404,
    );
    const student = await t.createUser("student");
    expect((await t.as(student).post("/api/admin/certificates/batches", {})).status).toBe(403);
    const empty = await courseToComplete(t, instructor, admin, "Nobody Finished");
    expect((await post({ courseId: empty.id })).body).toMatchObject({
      status: "completed",
      total: 0,
      done: 0,
    });
  });
});

describe("lectern certificates approve --course", () => {
  it("works the batch to the end and reports its progress", async () => {
    const course = await courseWithRequests(
      ["Katherine Johnson", "Dorothy Vaughan", "Mary Jackson"],
      "CLI Course",
    );
    const updates: string[] = [];
    const batch = await approveCourseCertificates(
      t.lectern,
      { courseId: course.id },
      {
        log: () => {},
        interactive: false,
        progress: (total) => ({
          update: (done, detail) => void updates.push(`${done}/${total} ${detail}`),
          stop: () => {},
        }),
      },
    );
    expect(batch).toMatchObject({ status: "completed", total: 3, done: 3, issued: 3 });
    expect(updates.at(-1)).toBe("3/3 issued 3, failed 0");
    const pending = await t.as(admin).get(`/api/admin/certificates?status=pending&courseId=${course.id}`);
    expect(pending.body.items).toEqual([]);
    await expect(
      approveCourseCertificates(
        t.lectern,
        { courseId: course.id, admin: "nobody@example.com" },
        { log: () => {}, interactive: false, progress: () => ({ update: () => {}, stop: () => {} }) },
      ),
    ).rejects.toThrow(/not an admin/);
  });
});
