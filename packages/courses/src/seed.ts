import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import { DAY, type SeedContext } from "@lectern/core";
import { and, eq } from "drizzle-orm";
import { makePagedPdf, makeWav, wrapText } from "./demo-files.js";
import { DEMO_READINGS } from "./demo-readings.js";
import { courses, enrollments } from "./schema.js";
import { seedDemoLearners } from "./seed-learners.js";
import { type CoursesService, type Money, slugify } from "./service.js";

/** How long ago the demo student enrolled in their courses. */
const DEMO_TERM_DAYS = 42;

interface DemoCourse {
  title: string;
  summary: string;
  subject: string;
  tags: string[];
  level: "beginner" | "intermediate" | "advanced";
  price: Money | null;
  weeks: [string, string];
  enrollStudent?: boolean;
}

const usd = (amount: number): Money => ({ amount, currency: "USD" });

/** Twelve courses in four subjects; some free, some paid, all from the demo instructor. */
export const DEMO_COURSES: DemoCourse[] = [
  {
    subject: "Programming",
    title: "Python for Absolute Beginners",
    summary: "Write your first programs: variables, loops, functions and files, one small project a week.",
    tags: ["python", "programming"],
    level: "beginner",
    price: null,
    weeks: ["Getting started", "Functions and files"],
    enrollStudent: true,
  },
  {
    subject: "Programming",
    title: "Modern JavaScript and TypeScript",
    summary: "From ES2023 features to strict TypeScript: types, modules, async code and testing.",
    tags: ["javascript", "typescript", "programming"],
    level: "intermediate",
    price: usd(4900),
    weeks: ["The language today", "Types that help"],
    enrollStudent: true,
  },
  {
    subject: "Programming",
    title: "Algorithms and Data Structures",
    summary: "Sorting, searching, graphs and dynamic programming, with the complexity analysis behind them.",
    tags: ["algorithms", "computer-science"],
    level: "advanced",
    price: usd(7900),
    weeks: ["Complexity and sorting", "Graphs and dynamic programming"],
  },
  {
    subject: "Data Science",
    title: "Statistics for Data Analysis",
    summary:
      "Distributions, sampling, confidence intervals and hypothesis tests, explained with real data sets.",
    tags: ["statistics", "data-science"],
    level: "beginner",
    price: null,
    weeks: ["Describing data", "Inference"],
    enrollStudent: true,
  },
  {
    subject: "Data Science",
    title: "SQL and Relational Databases",
    summary: "Model data, write joins and window functions, and read query plans in PostgreSQL.",
    tags: ["sql", "databases", "postgresql"],
    level: "intermediate",
    price: usd(3900),
    weeks: ["Queries and joins", "Indexes and plans"],
  },
  {
    subject: "Data Science",
    title: "Machine Learning Foundations",
    summary: "Regression, classification, model evaluation and the pitfalls of overfitting, in scikit-learn.",
    tags: ["machine-learning", "python", "data-science"],
    level: "advanced",
    price: usd(9900),
    weeks: ["Supervised learning", "Evaluating models"],
  },
  {
    subject: "Design",
    title: "Principles of User Interface Design",
    summary:
      "Layout, typography, colour and hierarchy: how to make screens that people understand at a glance.",
    tags: ["design", "ui"],
    level: "beginner",
    price: null,
    weeks: ["Seeing like a designer", "Type and colour"],
  },
  {
    subject: "Design",
    title: "Accessible Web Design",
    summary: "WCAG 2.2 in practice: semantic markup, keyboard use, contrast and testing with screen readers.",
    tags: ["accessibility", "design", "web"],
    level: "intermediate",
    price: null,
    weeks: ["Why accessibility", "Testing with real tools"],
  },
  {
    subject: "Design",
    title: "Design Systems at Scale",
    summary: "Tokens, components and governance for a design system that several product teams share.",
    tags: ["design", "design-systems"],
    level: "advanced",
    price: usd(5900),
    weeks: ["Foundations and tokens", "Governance"],
  },
  {
    subject: "Languages",
    title: "Spanish for Travellers",
    summary: "Greetings, directions, food and emergencies: the Spanish you need on your first trip.",
    tags: ["spanish", "languages"],
    level: "beginner",
    price: null,
    weeks: ["Saying hello", "Getting around"],
  },
  {
    subject: "Languages",
    title: "Business English Communication",
    summary: "Clear emails, confident meetings and presentations for professionals who work in English.",
    tags: ["english", "business", "languages"],
    level: "intermediate",
    price: usd(2900),
    weeks: ["Writing at work", "Speaking at work"],
  },
  {
    subject: "Languages",
    title: "Academic Writing in English",
    summary: "Structure an argument, cite sources and revise a research paper until it reads well.",
    tags: ["english", "writing", "academic"],
    level: "advanced",
    price: null,
    weeks: ["Building an argument", "Revising and citing"],
  },
];

function description(course: DemoCourse): string {
  return [
    `## About this course`,
    ``,
    `${course.summary} This ${course.level} course belongs to our **${course.subject}** programme.`,
    ``,
    `### What you will learn`,
    ``,
    `- ${course.weeks[0]}`,
    `- ${course.weeks[1]}`,
    `- How to practise on your own after the course`,
    ``,
    `Each week has a short reading (PDF), a listening exercise and further links.`,
  ].join("\n");
}

/** Seeds the demo courses once; a course whose slug exists already is left as it is. */
export async function seedDemoCourses(ctx: SeedContext, service: CoursesService): Promise<void> {
  const instructor = await ctx.auth.findUserByEmail("instructor@example.com");
  const student = await ctx.auth.findUserByEmail("student@example.com");
  if (!instructor) {
    ctx.logger.warn("the demo instructor is missing; no demo courses were seeded");
    return;
  }
  const total = DEMO_COURSES.length;
  let done = 0;
  for (const demo of DEMO_COURSES) {
    const slug = slugify(demo.title);
    const [existing] = await ctx.db.select({ id: courses.id }).from(courses).where(eq(courses.slug, slug));
    if (!existing) await seedCourse(ctx, service, instructor, student, demo);
    ctx.progress(++done, total, demo.title);
  }
  await seedDemoLearners(ctx, service);
}

async function seedCourse(
  ctx: SeedContext,
  service: CoursesService,
  instructor: { id: string; role: "student" | "instructor" | "admin" },
  student: { id: string } | null,
  demo: DemoCourse,
) {
  const course = await service.createCourse(instructor, {
    title: demo.title,
    summary: demo.summary,
    description: description(demo),
    tags: demo.tags,
    level: demo.level,
    price: demo.price,
  });
  const store = async (bytes: Buffer, contentType: string, filename: string) => {
    const key = `courses/${course.id}/${randomUUID()}`;
    const { size } = await ctx.storage.put(key, Readable.from([bytes]));
    return { key, size, contentType, filename };
  };
  const materialIds: string[] = [];
  for (const [index, week] of demo.weeks.entries()) {
    const section = await service.createSection(instructor, course.id, {
      title: `Week ${index + 1}: ${week}`,
    });
    const reading = await service.addMaterial(instructor, course.id, {
      title: `${week}: reading`,
      kind: "pdf",
      sectionId: section.id,
      file: await store(
        makePagedPdf(
          demo.title,
          (DEMO_READINGS[demo.title]?.[index] ?? [demo.summary]).map((page, n) =>
            wrapText(n === 0 ? [`Week ${index + 1}: ${week}`, page] : [page]),
          ),
        ),
        "application/pdf",
        `${slugify(week)}.pdf`,
      ),
    });
    const listening = await service.addMaterial(instructor, course.id, {
      title: `${week}: listening exercise`,
      kind: "video",
      sectionId: section.id,
      file: await store(
        makeWav([440 + index * 110, 550 + index * 110, 660 + index * 110]),
        "audio/wav",
        `${slugify(week)}.wav`,
      ),
    });
    await service.addMaterial(instructor, course.id, {
      title: "Further reading",
      kind: "link",
      sectionId: section.id,
      required: false,
      url: `https://en.wikipedia.org/wiki/${encodeURIComponent(demo.tags[0]!.replace(/-/g, "_"))}`,
    });
    materialIds.push(reading.id, listening.id);
  }
  const now = ctx.clock.now();
  await ctx.db
    .update(courses)
    .set({ status: "published", publishedAt: now, updatedAt: now })
    .where(eq(courses.id, course.id));
  if (demo.enrollStudent && student) {
    // As the payments plugin would after a completed payment, for the paid ones.
    await ctx.db.transaction((tx) => service.enroll(tx, { userId: student.id, courseId: course.id }));
    // Enrolled at the start of term, so the weeks of live classes other plugins seed count for them.
    await ctx.db
      .update(enrollments)
      .set({ enrolledAt: new Date(now.getTime() - DEMO_TERM_DAYS * DAY) })
      .where(and(eq(enrollments.userId, student.id), eq(enrollments.courseId, course.id)));
    const viewer = { id: student.id, role: "student" as const };
    for (const id of materialIds.slice(0, 2)) await service.completeMaterial(viewer, id);
  }
}
