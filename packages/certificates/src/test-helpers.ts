import type { TestLectern, TestUser } from "@lectern/core/testing";
import { enrollStudent, publishedCourse } from "@lectern/courses/testing";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";
import { expect } from "vitest";

/** Test helpers shared by this package's test files (not exported from the package). */

export interface TestCourse {
  id: string;
  title: string;
  materialId: string;
}

/** A published free course whose one requirement is a link to mark complete. */
export async function courseToComplete(
  t: TestLectern,
  instructor: TestUser,
  admin: TestUser,
  title = "Foundations of Data Engineering",
): Promise<TestCourse> {
  const course = await publishedCourse(t, instructor, admin, { title, summary: "Pipelines, storage, SQL." }, [
    { title: "Read the handbook", url: "https://example.org/handbook" },
  ]);
  return { id: course.id, title, materialId: course.materials[0]!.id };
}

/** The student enrolls and completes the course; `course.completed` is then delivered by `drain()`. */
export async function completeCourse(t: TestLectern, student: TestUser, course: TestCourse): Promise<void> {
  await enrollStudent(t, course.id, student);
  const done = await t.as(student).post(`/api/materials/${course.materialId}/complete`);
  expect(done.status).toBe(200);
  expect(done.body.status).toBe("completed");
}

/** A student who completed the course, and their pending certificate request. */
export async function pendingRequest(
  t: TestLectern,
  course: TestCourse,
  fields: Partial<{ name: string; email: string }> = {},
) {
  const student = await t.createUser("student", fields);
  await completeCourse(t, student, course);
  await t.drain();
  const mine = await t.as(student).get("/api/me/certificates");
  expect(mine.status).toBe(200);
  const certificate = mine.body.items.find((c: { courseId: string }) => c.courseId === course.id);
  expect(certificate).toMatchObject({ status: "pending" });
  return { student, certificate: certificate as { id: string } };
}

/** The text pdf.js reads on page 1 (the certificate's searchable text layer). */
export async function pdfText(pdf: Buffer | Uint8Array): Promise<string> {
  const doc = await getDocument({ data: new Uint8Array(pdf), useSystemFonts: false }).promise;
  const page = await doc.getPage(1);
  const content = await page.getTextContent();
  return content.items.map((item) => ("str" in item ? item.str : "")).join("");
}
