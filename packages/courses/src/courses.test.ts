import { rowsOf } from "@lectern/core";
import { createTestLectern, type TestLectern, type TestUser } from "@lectern/core/testing";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { courses } from "./index.js";
import { courses as coursesTable } from "./schema.js";
import { courseBody, publishedCourse } from "./test-helpers.js";

let t: TestLectern;
let admin: TestUser;
let instructor: TestUser;
let otherInstructor: TestUser;
let student: TestUser;

beforeAll(async () => {
  t = await createTestLectern({ plugins: [courses()] });
  admin = await t.createUser("admin", { name: "Ada Admin" });
  instructor = await t.createUser("instructor", { name: "Iris Instructor", email: "iris@example.com" });
  otherInstructor = await t.createUser("instructor", { name: "Otto Other" });
  student = await t.createUser("student", { name: "Sam Student" });
});
afterAll(() => t.close());

describe("an instructor's course, from draft to the catalog", () => {
  it("creates a draft, submits it, and an admin approves it; the instructor is mailed", async () => {
    const created = await t
      .as(instructor)
      .post(
        "/api/courses",
        courseBody({ title: "Cooking with Science", price: { amount: 4900, currency: "usd" } }),
      );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      slug: "cooking-with-science",
      title: "Cooking with Science",
      status: "draft",
      price: { amount: 4900, currency: "USD" },
      instructor: { id: instructor.id, name: "Iris Instructor" },
      enrolledCount: 0,
      tags: ["sql", "databases"],
      level: "beginner",
    });
    for (const field of [
      "id",
      "slug",
      "title",
      "summary",
      "description",
      "tags",
      "level",
      "price",
      "status",
      "instructor",
      "enrolledCount",
      "createdAt",
    ]) {
      expect(created.body).toHaveProperty(field);
    }
    const id = created.body.id;
    expect((await t.anonymous.get("/api/courses")).body.items.map((c: { id: string }) => c.id)).not.toContain(
      id,
    );
    expect((await t.anonymous.get(`/api/courses/${id}`)).status).toBe(404);

    const submitted = await t.as(instructor).post(`/api/courses/${id}/submit`);
    expect(submitted.status).toBe(200);
    expect(submitted.body.status).toBe("pending");
    const pending = await t.as(admin).get("/api/admin/courses?status=pending");
    expect(pending.body.items.map((c: { id: string }) => c.id)).toContain(id);

    const approved = await t.as(admin).post(`/api/admin/courses/${id}/approve`);
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe("published");
    expect(approved.body.publishedAt).toBe(t.clock.now().toISOString());

    const catalog = await t.anonymous.get("/api/courses");
    const item = catalog.body.items.find((c: { id: string }) => c.id === id);
    expect(item).toMatchObject({
      title: "Cooking with Science",
      price: { amount: 4900, currency: "USD" },
      enrolledCount: 0,
    });
    expect(Object.keys(item)).toEqual(
      expect.arrayContaining([
        "id",
        "slug",
        "title",
        "summary",
        "tags",
        "level",
        "price",
        "instructor",
        "enrolledCount",
      ]),
    );

    expect(t.mail).toHaveLength(0);
    await t.drain();
    const mail = t.mail.find((m) => m.subject.includes("Cooking with Science"));
    expect(mail?.to).toEqual(["iris@example.com"]);
    expect(mail?.subject).toContain("is published");
  });

  it("records course.approved with the approving admin, and course.submitted", async () => {
    const course = await publishedCourse(t, instructor, admin, { title: "Eventful Course" });
    const events = rowsOf<{ name: string; payload: Record<string, string> }>(
      await t.lectern.db.execute(
        sql`select name, payload from lectern_events where payload->>'courseId' = ${course.id} order by occurred_at, name`,
      ),
    );
    expect(events.map((e) => e.name).sort()).toEqual(["course.approved", "course.submitted"]);
    expect(events.find((e) => e.name === "course.approved")?.payload).toEqual({
      courseId: course.id,
      instructorId: instructor.id,
      approvedBy: admin.id,
    });
  });

  it("a rejected course goes back with the reason (mailed), and can be resubmitted", async () => {
    const created = await t.as(instructor).post("/api/courses", courseBody({ title: "Half Baked" }));
    await t.as(instructor).post(`/api/courses/${created.body.id}/submit`);
    const rejected = await t.as(admin).post(`/api/admin/courses/${created.body.id}/reject`, {
      reason: "Add a syllabus, please.",
    });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ status: "rejected", rejectionReason: "Add a syllabus, please." });
    await t.drain();
    const mail = t.mail.find((m) => m.subject.includes("Half Baked"));
    expect(mail?.text).toContain("Add a syllabus, please.");

    const again = await t.as(instructor).post(`/api/courses/${created.body.id}/submit`);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: "pending", rejectionReason: null });
  });

  it("approving or rejecting a course that is not pending answers 409", async () => {
    const draft = await t.as(instructor).post("/api/courses", courseBody({ title: "Still a Draft" }));
    const approve = await t.as(admin).post(`/api/admin/courses/${draft.body.id}/approve`);
    expect(approve.status).toBe(409);
    expect(approve.headers.get("content-type")).toContain("application/problem+json");
    expect(approve.body.type).toBe("https://lectern.dev/problems/course-not-pending");
    expect(
      (await t.as(admin).post(`/api/admin/courses/${draft.body.id}/reject`, { reason: "x" })).status,
    ).toBe(409);

    const published = await publishedCourse(t, instructor, admin, { title: "Already Out" });
    expect((await t.as(admin).post(`/api/admin/courses/${published.id}/approve`)).status).toBe(409);
    expect((await t.as(instructor).post(`/api/courses/${published.id}/submit`)).status).toBe(409);
  });

  it("the instructor lists their own courses of every status, and no one else's", async () => {
    await t.as(otherInstructor).post("/api/courses", courseBody({ title: "Otto's Course" }));
    const own = await t.as(instructor).get("/api/instructor/courses?limit=100");
    expect(own.status).toBe(200);
    expect(own.body.items.length).toBeGreaterThan(0);
    expect(
      own.body.items.every((c: { instructor: { id: string } }) => c.instructor.id === instructor.id),
    ).toBe(true);
    expect(new Set(own.body.items.map((c: { status: string }) => c.status))).toEqual(
      new Set(["draft", "published", "pending"]),
    );
    const drafts = await t.as(instructor).get("/api/instructor/courses?status=draft");
    expect(drafts.body.items.every((c: { status: string }) => c.status === "draft")).toBe(true);
  });
});

describe("who may do what", () => {
  it("a student creating a course gets 403; anonymous gets 401", async () => {
    const res = await t.as(student).post("/api/courses", courseBody());
    expect(res.status).toBe(403);
    expect(res.body.status).toBe(403);
    expect((await t.anonymous.post("/api/courses", courseBody())).status).toBe(401);
  });

  it("an instructor editing, submitting or deleting another's course gets 404; an admin may edit any", async () => {
    const mine = await t.as(instructor).post("/api/courses", courseBody({ title: "Mine Alone" }));
    const id = mine.body.id;
    expect((await t.as(otherInstructor).patch(`/api/courses/${id}`, { title: "Hijacked" })).status).toBe(404);
    expect((await t.as(otherInstructor).post(`/api/courses/${id}/submit`)).status).toBe(404);
    expect((await t.as(otherInstructor).delete(`/api/courses/${id}`)).status).toBe(404);
    expect((await t.as(otherInstructor).get(`/api/courses/${id}`)).status).toBe(404);
    const edited = await t.as(admin).patch(`/api/courses/${id}`, { title: "Edited by Admin", price: null });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ title: "Edited by Admin", slug: "mine-alone", price: null });
    expect((await t.as(admin).get(`/api/courses/${id}`)).status).toBe(200);
  });

  it("answers 403 for every route a role may never use", async () => {
    const course = await publishedCourse(t, instructor, admin, { title: "Matrix Course" });
    const id = course.id;
    const matrix: [TestUser, string, string, unknown?][] = [
      [student, "POST", "/api/courses", courseBody()],
      [student, "PATCH", `/api/courses/${id}`, { title: "x" }],
      [student, "DELETE", `/api/courses/${id}`],
      [student, "POST", `/api/courses/${id}/submit`],
      [student, "POST", `/api/courses/${id}/sections`, { title: "x" }],
      [student, "GET", `/api/courses/${id}/students`],
      [student, "GET", "/api/admin/courses"],
      [student, "GET", "/api/instructor/courses"],
      [instructor, "POST", `/api/admin/courses/${id}/approve`],
      [instructor, "POST", `/api/admin/courses/${id}/reject`, { reason: "x" }],
      [instructor, "GET", "/api/admin/courses"],
      [instructor, "POST", `/api/courses/${id}/enroll`],
      [instructor, "GET", "/api/me/enrollments"],
      [admin, "POST", `/api/courses/${id}/enroll`],
      [admin, "GET", "/api/instructor/courses"],
    ];
    for (const [user, method, path, body] of matrix) {
      const res = await t.request(method, path, { token: user.token, body });
      expect({ who: user.role, method, path, status: res.status }).toEqual({
        who: user.role,
        method,
        path,
        status: 403,
      });
    }
    for (const [method, path] of [
      ["GET", "/api/admin/courses"],
      ["POST", `/api/courses/${id}/enroll`],
      ["GET", `/api/courses/${id}/materials`],
      ["GET", "/api/me/enrollments"],
    ] as const) {
      expect((await t.request(method, path)).status).toBe(401);
    }
  });
});

describe("course fields and bad input", () => {
  it("a slug collision gets a suffix, never an error", async () => {
    const first = await t.as(instructor).post("/api/courses", courseBody({ title: "Café Ölçü 101!" }));
    const second = await t.as(otherInstructor).post("/api/courses", courseBody({ title: "Cafe olcu 101" }));
    const third = await t.as(instructor).post("/api/courses", courseBody({ title: "CAFÉ ÖLÇÜ 101" }));
    expect([first.status, second.status, third.status]).toEqual([201, 201, 201]);
    expect([first.body.slug, second.body.slug, third.body.slug]).toEqual([
      "cafe-olcu-101",
      "cafe-olcu-101-2",
      "cafe-olcu-101-3",
    ]);
    const bySlug = await t.as(instructor).get("/api/courses/cafe-olcu-101-3");
    expect(bySlug.body.id).toBe(third.body.id);
  });

  it("stores SQL metacharacters and Unicode verbatim", async () => {
    const title = `Robert'); DROP TABLE courses_courses;-- "quoted" \\ % _ 🎓 ñ`;
    const created = await t
      .as(instructor)
      .post("/api/courses", courseBody({ title, summary: "50% off_ 'today'", tags: ["c++", "o'reilly"] }));
    expect(created.status).toBe(201);
    expect(created.body.title).toBe(title);
    expect(created.body.tags).toEqual(["c++", "o'reilly"]);
    const [row] = await t.lectern.db.select().from(coursesTable).where(eq(coursesTable.id, created.body.id));
    expect(row?.title).toBe(title);
    expect(row?.summary).toBe("50% off_ 'today'");
  });

  it("rejects very long strings, bad levels, negative prices and empty titles with 422 and field paths", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ title: "x".repeat(201) }, "title"],
      [{ title: "   " }, "title"],
      [{ summary: "s".repeat(501) }, "summary"],
      [{ description: "d".repeat(50_001) }, "description"],
      [{ tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, "tags"],
      [{ tags: ["t".repeat(41)] }, "tags.0"],
      [{ level: "expert" }, "level"],
      [{ price: { amount: -5, currency: "USD" } }, "price.amount"],
      [{ price: { amount: 10.5, currency: "USD" } }, "price.amount"],
      [{ price: { amount: 100, currency: "dollars" } }, "price.currency"],
      [{ title: "bell\u0007" }, "title"],
    ];
    for (const [overrides, path] of cases) {
      const res = await t.as(instructor).post("/api/courses", courseBody(overrides));
      expect({ path, status: res.status }).toEqual({ path, status: 422 });
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    }
    const malformed = await t.request("POST", "/api/courses", {
      token: instructor.token,
      body: "{not json",
      headers: { "content-type": "application/json" },
    });
    expect(malformed.status).toBe(400);
  });

  it("renders the Markdown description as sanitized HTML", async () => {
    const description = [
      "# Welcome",
      "Some **bold** text and [a link](https://example.com).",
      "<script>alert('x')</script>",
      '<img src="x" onerror="alert(1)">',
      "[click me](javascript:alert(1))",
      '<a href="javascript:alert(2)" onclick="steal()">bad</a>',
      "<iframe src='https://evil.example'></iframe>",
      '<input type="password" name="pw"> - [x] done',
    ].join("\n\n");
    const course = await publishedCourse(t, instructor, admin, { title: "Markdown Course", description });
    const res = await t.anonymous.get(`/api/courses/${course.id}`);
    expect(res.status).toBe(200);
    expect(res.body.description).toBe(description);
    const html: string = res.body.descriptionHtml;
    expect(html).toContain("<h1>Welcome</h1>");
    expect(html).toContain("<strong>bold</strong>");
    expect(html).toContain('href="https://example.com"');
    expect(html).not.toMatch(/<script|onerror|onclick|javascript:|<iframe|type="password"/i);
  });

  it("editing a course keeps its slug and normalises tags", async () => {
    const created = await t.as(instructor).post("/api/courses", courseBody({ title: "Stable Slug" }));
    const edited = await t.as(instructor).patch(`/api/courses/${created.body.id}`, {
      title: "A New Title",
      tags: [" Web Design ", "web-design", "CSS"],
      level: "advanced",
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({
      slug: "stable-slug",
      title: "A New Title",
      tags: ["web-design", "css"],
      level: "advanced",
    });
  });

  it("a PATCH changes only the fields it names: absent fields keep their values", async () => {
    const created = await t
      .as(instructor)
      .post(
        "/api/courses",
        courseBody({ title: "Keeps Its Tags", tags: ["keep-me"], level: "advanced", summary: "Kept." }),
      );
    const edited = await t.as(instructor).patch(`/api/courses/${created.body.id}`, { title: "Renamed" });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({
      title: "Renamed",
      tags: ["keep-me"],
      level: "advanced",
      summary: "Kept.",
    });
  });
});

describe("the catalog", () => {
  let search: TestLectern;
  beforeAll(async () => {
    search = t;
    const teacher = await t.createUser("instructor", { name: "Catalog Teacher" });
    await publishedCourse(t, teacher, admin, {
      title: "Photosynthesis Explained",
      summary: "How plants turn light into sugar.",
      description: "Chlorophyll, the Calvin cycle and more.",
      tags: ["biology"],
      level: "beginner",
    });
    await publishedCourse(t, teacher, admin, {
      title: "Advanced Plant Biology",
      summary: "Cells and growth.",
      description: "We also revisit photosynthesis briefly.",
      tags: ["biology", "botany"],
      level: "advanced",
    });
    await publishedCourse(t, teacher, admin, {
      title: "Rocket Science",
      summary: "Orbits and propulsion.",
      description: "Nothing about plants.",
      tags: ["physics", "photosynthesis-free"],
      level: "intermediate",
    });
    const draft = await t
      .as(teacher)
      .post("/api/courses", courseBody({ title: "Secret Photosynthesis Draft" }));
    expect(draft.status).toBe(201);
  });

  it("finds published courses by words in title, summary, description and tags, best match first", async () => {
    const res = await search.anonymous.get("/api/courses?search=photosynthesis");
    expect(res.status).toBe(200);
    const titles = res.body.items.map((c: { title: string }) => c.title);
    expect(titles[0]).toBe("Photosynthesis Explained");
    expect(titles).toContain("Advanced Plant Biology");
    expect(titles).not.toContain("Secret Photosynthesis Draft");
    expect(
      (await search.anonymous.get("/api/courses?search=chlorophyll")).body.items.map(
        (c: { title: string }) => c.title,
      ),
    ).toEqual(["Photosynthesis Explained"]);
    expect(
      (await search.anonymous.get("/api/courses?search=botany")).body.items.map(
        (c: { title: string }) => c.title,
      ),
    ).toEqual(["Advanced Plant Biology"]);
    // Stemming: "plants" finds "plant".
    expect(
      (await search.anonymous.get("/api/courses?search=plants")).body.items.length,
    ).toBeGreaterThanOrEqual(2);
  });

  it("filters by tag and level, and survives hostile search text", async () => {
    const byTag = await search.anonymous.get("/api/courses?tag=biology&limit=100");
    expect(byTag.body.items.map((c: { title: string }) => c.title).sort()).toEqual([
      "Advanced Plant Biology",
      "Photosynthesis Explained",
    ]);
    const byLevel = await search.anonymous.get("/api/courses?tag=biology&level=advanced");
    expect(byLevel.body.items.map((c: { title: string }) => c.title)).toEqual(["Advanced Plant Biology"]);
    for (const q of ["' OR 1=1 --", "a & | ! ( )", '"unterminated', "-", "::*", "\\"]) {
      const res = await search.anonymous.get(`/api/courses?search=${encodeURIComponent(q)}`);
      expect({ q, status: res.status }).toEqual({ q, status: 200 });
    }
    expect((await search.anonymous.get(`/api/courses?search=${"x".repeat(201)}`)).status).toBe(422);
    expect((await search.anonymous.get("/api/courses?level=expert")).status).toBe(422);
  });

  it("pages through results with a cursor, without repeats, ranked or newest first", async () => {
    for (const path of [
      "/api/courses?limit=2",
      "/api/courses?search=photosynthesis%20OR%20rocket%20OR%20biology&limit=1",
    ]) {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res: { body: { items: { id: string }[]; nextCursor: string | null } } =
          await search.anonymous.get(`${path}${cursor ? `&cursor=${cursor}` : ""}`);
        seen.push(...res.body.items.map((c) => c.id));
        cursor = res.body.nextCursor;
        pages++;
      } while (cursor && pages < 50);
      expect(new Set(seen).size).toBe(seen.length);
      const all = await search.anonymous.get(`${path.replace(/limit=\d+/, "limit=100")}`);
      expect(seen).toEqual(all.body.items.map((c: { id: string }) => c.id));
    }
    expect((await search.anonymous.get("/api/courses?cursor=garbage!")).status).toBe(422);
  });
});

describe("deleting a course", () => {
  it("erases a course nobody enrolled in", async () => {
    const created = await t.as(instructor).post("/api/courses", courseBody({ title: "Short Lived" }));
    expect((await t.as(instructor).delete(`/api/courses/${created.body.id}`)).status).toBe(204);
    const rows = await t.lectern.db.select().from(coursesTable).where(eq(coursesTable.id, created.body.id));
    expect(rows).toHaveLength(0);
  });

  it("archives a course with enrollments and keeps every enrollment; the student still sees it", async () => {
    const course = await publishedCourse(t, instructor, admin, { title: "Popular Course" });
    const learner = await t.createUser("student");
    expect((await t.as(learner).post(`/api/courses/${course.id}/enroll`)).status).toBe(201);

    expect((await t.as(instructor).delete(`/api/courses/${course.id}`)).status).toBe(204);
    const [row] = await t.lectern.db.select().from(coursesTable).where(eq(coursesTable.id, course.id));
    expect(row?.status).toBe("archived");
    expect(row?.enrolledCount).toBe(1);

    const catalog = await t.anonymous.get("/api/courses?limit=100");
    expect(catalog.body.items.map((c: { id: string }) => c.id)).not.toContain(course.id);
    expect((await t.anonymous.get(`/api/courses/${course.id}`)).status).toBe(404);
    const mine = await t.as(learner).get("/api/me/enrollments");
    expect(mine.body.items).toHaveLength(1);
    expect(mine.body.items[0]).toMatchObject({
      courseId: course.id,
      status: "active",
      course: { status: "archived" },
    });
    expect((await t.as(learner).get(`/api/courses/${course.id}`)).status).toBe(200);
  });
});

describe("the OpenAPI document", () => {
  it("publishes every courses route with its access rule", async () => {
    const doc = await t.anonymous.get("/api/openapi.json");
    expect(doc.status).toBe(200);
    const paths = doc.body.paths;
    expect(paths["/api/courses"].get["x-lectern-access"]).toBe("public");
    expect(paths["/api/courses"].post["x-lectern-access"]).toBe("courses.create");
    expect(paths["/api/admin/courses/{id}/approve"].post["x-lectern-access"]).toBe("courses.review");
    expect(paths["/api/courses/{id}/materials"].post.requestBody.content).toHaveProperty(
      "multipart/form-data",
    );
    expect(paths["/api/materials/{id}/content"].get).toBeDefined();
    expect(paths["/api/me/enrollments"].get["x-lectern-access"]).toBe("courses.learn");
  });
});
