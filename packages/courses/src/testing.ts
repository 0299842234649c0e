import type { TestLectern, TestUser } from "@lectern/core/testing";

/** Test helpers for plugins built on courses: `import { courseWithStudent } from "@lectern/courses/testing"`. */

export interface TestCourse {
  id: string;
  slug: string;
  title: string;
  /** The link materials added before review, in order (each one required). */
  materials: { id: string; title: string }[];
}

const ok = <T>(what: string, res: { status: number; body: T }, expected: number): T => {
  if (res.status !== expected) {
    throw new Error(`${what} answered ${res.status}, expected ${expected}: ${JSON.stringify(res.body)}`);
  }
  return res.body;
};

/**
 * A published course (made by an instructor, approved by an admin, through the HTTP API as a
 * person would) with one enrolled student. Pass existing users to reuse them.
 */
export async function courseWithStudent(
  t: TestLectern,
  options: {
    title?: string;
    instructor?: TestUser;
    admin?: TestUser;
    student?: TestUser;
    /** Extra fields of the course (e.g. `{ tags: ["sql"] }`); the course stays free. */
    course?: Record<string, unknown>;
    /** Required link materials to add before review. */
    links?: { title: string; url: string }[];
  } = {},
): Promise<{ course: TestCourse; instructor: TestUser; admin: TestUser; student: TestUser }> {
  const instructor = options.instructor ?? (await t.createUser("instructor"));
  const admin = options.admin ?? (await t.createUser("admin"));
  const student = options.student ?? (await t.createUser("student"));
  const course = await publishedCourse(
    t,
    instructor,
    admin,
    { title: options.title, ...options.course },
    options.links,
  );
  ok("Enrolling", await t.as(student).post(`/api/courses/${course.id}/enroll`), 201);
  return { course, instructor, admin, student };
}

/**
 * A published course with no students yet; `links` become required link materials, so a student
 * completes the course by marking them done.
 */
export async function publishedCourse(
  t: TestLectern,
  instructor: TestUser,
  admin: TestUser,
  fields: Record<string, unknown> = {},
  links: { title: string; url: string }[] = [],
): Promise<TestCourse> {
  const created = ok(
    "Creating the course",
    await t.as(instructor).post<TestCourse>("/api/courses", {
      title: "Introduction to Databases",
      summary: "Tables, keys and queries.",
      description: "Learn **SQL** step by step.",
      tags: ["sql"],
      level: "beginner",
      ...Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)),
    }),
    201,
  );
  const materials: TestCourse["materials"] = [];
  for (const link of links) {
    const material = ok(
      "Adding a material",
      await t
        .as(instructor)
        .post<{ id: string }>(`/api/courses/${created.id}/materials`, { ...link, kind: "link" }),
      201,
    );
    materials.push({ id: material.id, title: link.title });
  }
  ok("Submitting the course", await t.as(instructor).post(`/api/courses/${created.id}/submit`), 200);
  const approved = ok(
    "Approving the course",
    await t.as(admin).post<TestCourse>(`/api/admin/courses/${created.id}/approve`),
    200,
  );
  return { id: approved.id, slug: approved.slug, title: approved.title, materials };
}

/** Enrolls another student in a free published course. */
export async function enrollStudent(t: TestLectern, courseId: string, student?: TestUser): Promise<TestUser> {
  const user = student ?? (await t.createUser("student"));
  ok("Enrolling", await t.as(user).post(`/api/courses/${courseId}/enroll`), 201);
  return user;
}
