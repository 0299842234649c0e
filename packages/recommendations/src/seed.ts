import { DEMO_PASSWORD, type SeedContext } from "@lectern/core";
import { slugify } from "@lectern/courses";
import { interests } from "./schema.js";

/** Free courses that give the demo student somewhere to go next, with prerequisites between them. */
const NEXT_COURSES = [
  {
    key: "vis",
    title: "Data Visualisation with Python",
    summary: "Charts that tell the truth: matplotlib, colour and layout, from your first plot to a report.",
    tags: ["python", "data-science"],
    level: "intermediate" as const,
    after: ["Python for Absolute Beginners"],
  },
  {
    key: "ml",
    title: "Machine Learning Foundations",
    summary: "Regression, classification and honest evaluation, with the statistics behind them.",
    tags: ["data-science", "statistics"],
    level: "advanced" as const,
    after: ["Statistics for Data Analysis", "Data Visualisation with Python"],
  },
  {
    key: "writing",
    title: "Writing for the Web",
    summary: "Short sentences, clear headings and pages people finish reading.",
    tags: ["writing"],
    level: "beginner" as const,
    after: [],
  },
];

/**
 * Demo data: a few more free courses with prerequisites, classmates whose enrollments link the
 * courses, interests for the demo student, then the models built at once so the student's
 * recommendations, the learning path and the instructor's at-risk panel are not empty.
 */
export async function seedDemoRecommendations(ctx: SeedContext): Promise<void> {
  const service = ctx.services.get("recommendations");
  const courses = ctx.services.get("courses");
  const instructor = await ctx.auth.findUserByEmail("instructor@example.com");
  const admin = await ctx.auth.findUserByEmail("admin@example.com");
  const student = await ctx.auth.findUserByEmail("student@example.com");
  if (!instructor || !admin || !student) return;
  const teacher = { id: instructor.id, role: "instructor" as const };
  const ids = new Map<string, string>();
  for (const title of [
    "Python for Absolute Beginners",
    "Statistics for Data Analysis",
    "Modern JavaScript and TypeScript",
  ]) {
    const found = await courses.findCourse(slugify(title));
    if (found) ids.set(title, found.id);
  }
  for (const next of NEXT_COURSES) {
    const slug = slugify(next.title);
    let course = await courses.findCourse(slug);
    if (!course) {
      course = await courses.createCourse(teacher, {
        title: next.title,
        summary: next.summary,
        description: next.summary,
        tags: next.tags,
        level: next.level,
        price: null,
      });
      await courses.addMaterial(teacher, course.id, {
        title: "Course notes",
        kind: "link",
        url: "https://example.com/notes",
      });
      await courses.submitCourse(teacher, course.id);
      await courses.approveCourse({ id: admin.id, role: "admin" }, course.id);
    }
    ids.set(next.title, course.id);
  }
  for (const next of NEXT_COURSES) {
    const required = next.after.map((t) => ids.get(t)).filter((id): id is string => !!id);
    if (required.length) await service.paths.set(teacher, ids.get(next.title) as string, required);
  }
  // Classmates: most who took Python went on to visualisation; statistics led to machine learning.
  const journeys = [
    ["Python for Absolute Beginners", "Data Visualisation with Python", "Machine Learning Foundations"],
    ["Python for Absolute Beginners", "Data Visualisation with Python"],
    ["Statistics for Data Analysis", "Machine Learning Foundations"],
    ["Python for Absolute Beginners", "Data Visualisation with Python", "Writing for the Web"],
    ["Writing for the Web"],
    ["Statistics for Data Analysis", "Data Visualisation with Python"],
  ];
  for (const [n, journey] of journeys.entries()) {
    const email = `classmate${n + 1}@example.com`;
    const user =
      (await ctx.auth.findUserByEmail(email)) ??
      (await ctx.auth.createUser({
        email,
        name: `Classmate ${n + 1}`,
        role: "student",
        password: DEMO_PASSWORD,
      }));
    for (const title of journey) {
      const courseId = ids.get(title);
      if (courseId) await ctx.db.transaction((tx) => courses.enroll(tx, { userId: user.id, courseId }));
    }
  }
  await struggleOnMidterm(ctx, "classmate3@example.com", ids.get("Statistics for Data Analysis"));
  const now = ctx.clock.now();
  await ctx.db
    .insert(interests)
    .values({ userId: student.id, tags: ["data-science", "python"], updatedAt: now })
    .onConflictDoNothing();
  await service.engine.rebuild();
  await service.atRisk.train();
  await service.atRisk.scoreAll();
}

/**
 * One classmate hands in the statistics midterm blank, so the instructor's at-risk panel has a
 * student whose marks raise the risk (as the transparent rules score it before there is history).
 */
async function struggleOnMidterm(ctx: SeedContext, email: string, courseId: string | undefined) {
  if (!courseId || !ctx.services.has("exams")) return;
  const exams = ctx.services.get("exams");
  const user = await ctx.auth.findUserByEmail(email);
  const course = await ctx.services.get("courses").findCourse(courseId);
  if (!user || !course) return;
  const owner = { id: course.instructor.id, role: "instructor" as const };
  const midterm = (await exams.listExams(owner, courseId, { limit: 20 })).items.find(
    (e) => e.status === "published",
  );
  if (!midterm) return;
  const student = { id: user.id, role: "student" as const };
  const { attempt, created } = await exams.startAttempt(student, midterm.id);
  if (created) await exams.submitAttempt(student, attempt.id);
}
