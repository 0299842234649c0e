import {
  createRouter,
  currentUser,
  defineRoute,
  IdParam,
  json,
  type PluginContext,
  pageOf,
  pageQuery,
  z,
} from "@lectern/core";
import { COURSE_STATUSES, ENROLLMENT_STATUSES } from "../schema.js";
import type { CoursesService } from "../service.js";
import {
  CourseSummarySchema,
  type CoursesRouteOptions,
  EnrollmentSchema,
  IdOrSlugParam,
  StudentSchema,
  TAG,
} from "./shared.js";

const routes = {
  enroll: defineRoute({
    method: "post",
    path: "/courses/{id}/enroll",
    access: "courses.learn",
    tags: TAG,
    summary: "Enroll in a free course (201; again: 200 with the same enrollment); a paid course answers 402",
    request: { params: IdOrSlugParam },
    responses: { 200: json(EnrollmentSchema, "Already enrolled"), 201: json(EnrollmentSchema, "Enrolled") },
  }),
  unenroll: defineRoute({
    method: "delete",
    path: "/courses/{id}/enroll",
    access: "courses.learn",
    tags: TAG,
    summary: "Leave a free course; the enrollment is kept as cancelled",
    request: { params: IdOrSlugParam },
    responses: { 200: json(EnrollmentSchema, "The cancelled enrollment") },
  }),
  myEnrollments: defineRoute({
    method: "get",
    path: "/me/enrollments",
    access: "courses.learn",
    tags: TAG,
    summary: "The student's enrollments, each with its course and progress",
    request: { query: z.object({ status: z.enum(ENROLLMENT_STATUSES).optional(), ...pageQuery }) },
    responses: {
      200: json(
        pageOf(
          EnrollmentSchema.extend({
            course: CourseSummarySchema.extend({ status: z.enum(COURSE_STATUSES) }),
          }),
        ),
        "A page of enrollments",
      ),
    },
  }),
  students: defineRoute({
    method: "get",
    path: "/courses/{id}/students",
    access: "courses.manage",
    tags: TAG,
    summary: "The course's students with their progress (owner, admin)",
    request: {
      params: IdParam,
      query: z.object({ status: z.enum(ENROLLMENT_STATUSES).optional(), ...pageQuery }),
    },
    responses: { 200: json(pageOf(StudentSchema), "A page of students") },
  }),
};

/** Enrollment and a course's students. */
export function enrollmentRoutes(
  _ctx: PluginContext,
  service: CoursesService,
  _options: CoursesRouteOptions,
) {
  return createRouter()
    .openapi(routes.enroll, async (c) => {
      const { enrollment, created } = await service.enrollStudent(currentUser(c), c.req.valid("param").id);
      return created ? c.json(enrollment, 201) : c.json(enrollment, 200);
    })
    .openapi(routes.unenroll, async (c) =>
      c.json(await service.unenroll(currentUser(c), c.req.valid("param").id), 200),
    )
    .openapi(routes.myEnrollments, async (c) =>
      c.json(await service.listMyEnrollments(currentUser(c).id, c.req.valid("query")), 200),
    )
    .openapi(routes.students, async (c) =>
      c.json(await service.listStudents(currentUser(c), c.req.valid("param").id, c.req.valid("query")), 200),
    );
}
