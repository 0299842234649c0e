import { randomUUID } from "node:crypto";
import { problems, publicUrlProblem, type ReceivedUpload, z } from "@lectern/core";
import {
  COURSE_STATUSES,
  ENROLLMENT_STATUSES,
  LEVELS,
  MATERIAL_KINDS,
  type MaterialKind,
} from "../schema.js";

export interface CoursesRouteOptions {
  limits: Record<Exclude<MaterialKind, "link"> | "cover" | "captions", number>;
  accept: Record<Exclude<MaterialKind, "link"> | "cover", string[]>;
  /** Refuse to submit a course that fails the pre-submission checklist. */
  submitChecklist: boolean;
}

export const Id = z.string().uuid();
export const IdOrSlugParam = z.object({
  id: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: "id", in: "path" }, description: "The course id or its slug" }),
});

/** Control characters other than tab, newline and carriage return only hide things. */
export function hasControlCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f) return true;
  }
  return false;
}

export const cleanText = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => !hasControlCharacters(s), "Control characters are not allowed.");
export const title = cleanText(200)
  .transform((s) => s.trim())
  .pipe(z.string().min(1, "A title is required."));
export const Money = z
  .object({
    amount: z
      .number()
      .int()
      .min(0)
      .max(100_000_000)
      .openapi({ description: "Integer minor units", example: 4900 }),
    currency: z
      .string()
      .regex(/^[A-Za-z]{3}$/, "An ISO 4217 code such as USD.")
      .openapi({ example: "USD" }),
  })
  .openapi("Money");

export const tagList = z.array(cleanText(40).pipe(z.string().trim().min(1))).max(20);
// Create takes defaults; PATCH must not: a default there would overwrite what the client left out.
export const CourseFields = {
  title,
  summary: cleanText(500).default(""),
  description: cleanText(50_000).default("").openapi({ description: "Markdown" }),
  tags: tagList.default([]),
  level: z.enum(LEVELS).default("beginner"),
  price: Money.nullable().optional().openapi({ description: "Null or absent for a free course" }),
};

export const Instructor = z.object({ id: z.string(), name: z.string() });
export const CourseSummarySchema = z
  .object({
    id: z.string(),
    slug: z.string(),
    title: z.string(),
    summary: z.string(),
    tags: z.array(z.string()),
    level: z.enum(LEVELS),
    price: Money.nullable(),
    instructor: Instructor,
    enrolledCount: z.number().int(),
    coverUrl: z.string().nullable(),
  })
  .openapi("CourseSummary");
export const CourseSchema = CourseSummarySchema.extend({
  description: z.string(),
  status: z.enum(COURSE_STATUSES),
  rejectionReason: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  publishedAt: z.string().nullable(),
}).openapi("Course");
export const EnrollmentSchema = z
  .object({
    id: z.string(),
    courseId: z.string(),
    userId: z.string(),
    status: z.enum(ENROLLMENT_STATUSES),
    progress: z.number().min(0).max(1),
    enrolledAt: z.string(),
    completedAt: z.string().nullable(),
  })
  .openapi("Enrollment");
export const OutlineSchema = z.array(
  z.object({
    id: z.string().nullable(),
    title: z.string(),
    position: z.number().int(),
    materials: z.array(
      z.object({
        id: z.string(),
        title: z.string(),
        kind: z.enum(MATERIAL_KINDS),
        required: z.boolean(),
        position: z.number().int(),
        url: z.string().optional(),
        completed: z.boolean().optional(),
        captionsUrl: z.string().optional(),
      }),
    ),
  }),
);
export const CourseDetailSchema = CourseSchema.extend({
  descriptionHtml: z
    .string()
    .openapi({ description: "The description rendered from Markdown and sanitized" }),
  outline: OutlineSchema,
  enrollment: EnrollmentSchema.nullable(),
  canReadMaterials: z.boolean(),
}).openapi("CourseDetail");
export const SectionSchema = z
  .object({
    id: z.string(),
    courseId: z.string(),
    title: z.string(),
    position: z.number().int(),
    createdAt: z.string(),
  })
  .openapi("Section");
export const MaterialSchema = z
  .object({
    id: z.string(),
    courseId: z.string(),
    sectionId: z.string().nullable(),
    title: z.string(),
    kind: z.enum(MATERIAL_KINDS),
    required: z.boolean(),
    size: z.number().int().nullable(),
    contentType: z.string().nullable(),
    position: z.number().int(),
    url: z.string().optional(),
    captionsUrl: z
      .string()
      .nullable()
      .openapi({ description: "The video's WebVTT captions (`text/vtt`), or null" }),
    createdAt: z.string(),
  })
  .openapi("Material");
export const StudentSchema = z
  .object({
    user: z.object({ id: z.string(), name: z.string(), email: z.string() }),
    enrollment: EnrollmentSchema,
  })
  .catchall(z.unknown())
  .openapi("CourseStudent");

export const httpUrl = z
  .string()
  .max(2000)
  .url()
  .refine((u) => /^https?:\/\//i.test(u), "Only http and https links are allowed.")
  .superRefine((u, ctx) => {
    const problem = publicUrlProblem(u);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });
export const boolField = z
  .enum(["true", "false", "on", "1", "0"])
  .transform((v) => v === "true" || v === "on" || v === "1");
export const MaterialFields = z.object({
  title,
  kind: z.enum(MATERIAL_KINDS),
  sectionId: Id.optional(),
  required: boolField.optional(),
  url: httpUrl.optional(),
});
export const LinkBody = z.object({
  title,
  kind: z.literal("link"),
  url: httpUrl,
  sectionId: Id.nullable().optional(),
  required: z.boolean().optional(),
});

export const multipartDoc = (properties: Record<string, object>, required: string[]) => ({
  required: true,
  content: {
    "multipart/form-data": {
      // A plain schema: documented, but not validated by the router, which would buffer the file.
      schema: { type: "object", properties, required } as never,
    },
  },
});

export const TAG = ["Courses"];
export const fileResponse = {
  description: "The file (206 for a Range)",
  content: { "application/octet-stream": { schema: z.string() } },
};

/** Runs what follows an upload; if it fails, the stored file goes too. */
export async function keepingUpload<T>(upload: ReceivedUpload, then: () => Promise<T>): Promise<T> {
  try {
    return await then();
  } catch (error) {
    await upload.discard();
    throw error;
  }
}

export function validationOf(error: z.ZodError) {
  return problems.fromZod(error.issues);
}

/** Where an upload for the course is stored. */
export const storageKey = (courseId: string) => () => `courses/${courseId}/${randomUUID()}`;
