import type { SeedContext } from "@lectern/core";
import { and, eq } from "drizzle-orm";
import type { ExamInput, QuestionInput } from "./model.js";
import { exams } from "./schema.js";
import type { ExamsService } from "./service.js";

const choice = (prompt: string, right: string, wrong: string[], marks = 1): QuestionInput => ({
  type: "single",
  prompt,
  marks,
  options: [{ text: right, correct: true }, ...wrong.map((text) => ({ text, correct: false }))],
});

const truth = (prompt: string, value: boolean): QuestionInput => ({
  type: "true_false",
  prompt,
  marks: 1,
  options: [
    { text: "True", correct: value },
    { text: "False", correct: !value },
  ],
});

/** Two demo exams of ten questions, on demo courses the demo student is enrolled in. */
export const DEMO_EXAMS: { courseSlug: string; exam: ExamInput }[] = [
  {
    courseSlug: "python-for-absolute-beginners",
    exam: {
      title: "Week 1 quiz: Python basics",
      durationMinutes: 20,
      maxAttempts: 3,
      passingPercent: 60,
      shuffle: true,
      allowReview: true,
      questions: [
        choice("What does `print(2 ** 3)` show?", "8", ["6", "9", "23"]),
        choice("Which keyword defines a function?", "def", ["function", "fn", "lambda"]),
        choice("What is the type of `3.0`?", "float", ["int", "str", "decimal"]),
        truth("Python lists can hold values of different types.", true),
        truth("Indentation is optional in Python.", false),
        {
          type: "multiple",
          prompt: "Which of these are loops in Python?",
          marks: 2,
          partialCredit: "proportional",
          options: [
            { text: "for", correct: true },
            { text: "while", correct: true },
            { text: "repeat", correct: false },
            { text: "until", correct: false },
          ],
        },
        choice("How do you start a comment?", "#", ["//", "--", "/*"]),
        choice("What does `len('hello')` return?", "5", ["4", "6", "'hello'"]),
        {
          type: "short_answer",
          prompt: "Which built-in function reads a line typed by the user?",
          marks: 2,
          accepted: ["input", "input()"],
        },
        choice("Which value is falsy?", "0", ["'0'", "[0]", "1"]),
      ],
    },
  },
  {
    courseSlug: "statistics-for-data-analysis",
    exam: {
      title: "Midterm: describing data",
      durationMinutes: 30,
      maxAttempts: 2,
      shuffle: true,
      allowReview: false,
      questions: [
        choice("The median of 1, 3, 7, 8, 100 is", "7", ["3", "23.8", "8"]),
        choice("Which measure is most affected by outliers?", "The mean", [
          "The median",
          "The mode",
          "The IQR",
        ]),
        truth("The standard deviation is the square root of the variance.", true),
        truth("A correlation of 0 proves two variables are independent.", false),
        choice("A histogram shows", "The distribution of one variable", [
          "A relation of two variables",
          "A time series",
          "A proportion",
        ]),
        {
          type: "multiple",
          prompt: "Which are measures of spread?",
          marks: 2,
          options: [
            { text: "Range", correct: true },
            { text: "Variance", correct: true },
            { text: "Mode", correct: false },
            { text: "Mean", correct: false },
          ],
        },
        choice(
          "In a normal distribution, about what share lies within one standard deviation of the mean?",
          "68%",
          ["50%", "95%", "99.7%"],
        ),
        choice("The mode of 2, 2, 3, 5, 5, 5 is", "5", ["2", "3", "3.67"]),
        {
          type: "short_answer",
          prompt: "What is the name of the middle value of an ordered data set?",
          marks: 1,
          accepted: ["median", "the median"],
        },
        truth("A sample is a subset of a population.", true),
      ],
    },
  },
];

/** Seeds the demo exams, published; an exam whose title exists in its course is left as it is. */
export async function seedDemoExams(ctx: SeedContext, service: ExamsService): Promise<void> {
  const courses = ctx.services.get("courses");
  let done = 0;
  for (const { courseSlug, exam } of DEMO_EXAMS) {
    const course = await courses.findCourse(courseSlug);
    if (!course) {
      ctx.logger.warn({ course: courseSlug }, "a demo course is missing; its demo exam was not seeded");
      continue;
    }
    const [existing] = await ctx.db
      .select({ id: exams.id })
      .from(exams)
      .where(and(eq(exams.courseId, course.id), eq(exams.title, exam.title)));
    if (!existing) {
      const owner = { id: course.instructor.id, role: "instructor" as const };
      const draft = await service.createExam(owner, course.id, exam);
      await service.publishExam(owner, draft.id);
    }
    ctx.progress(++done, DEMO_EXAMS.length, exam.title);
  }
}
