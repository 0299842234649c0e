import {
  createRouter,
  csvResponse,
  currentUser,
  defineRoute,
  FormatQuery,
  IdParam,
  json,
  jsonBody,
  jsonOrCsv,
  percentCell,
  z,
} from "@lectern/core";
import { ROLL_CALL_STATUSES } from "./schema.js";
import type { AttendanceService } from "./service.js";

const TAG = ["Attendance"];

const Day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "A date such as 2026-03-02.")
  .refine((s) => {
    const at = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(at.getTime()) && at.toISOString().startsWith(s);
  }, "Not a real date.");
const Range = z.object({ from: Day.optional(), to: Day.optional() });
const Status = z.enum(ROLL_CALL_STATUSES);

const RecordSchema = z.object({
  userId: z.string(),
  liveClassId: z.string(),
  status: Status,
  automatic: Status,
  joinedAt: z.string().nullable(),
  rollCall: z.object({ status: Status, changedBy: z.string(), changedAt: z.string() }).nullable(),
});
const RateFields = {
  held: z.number().int(),
  attended: z.number().int(),
  excused: z.number().int(),
  rate: z
    .number()
    .nullable()
    .openapi({ description: "attended / (held − excused), 0..1; null before any class" }),
};
const ClassAttendanceSchema = z
  .object({
    liveClass: z
      .object({
        id: z.string(),
        courseId: z.string(),
        title: z.string(),
        startsAt: z.string(),
        status: z.string(),
      })
      .passthrough(),
    items: z.array(
      z.object({
        user: z.object({ id: z.string(), name: z.string(), email: z.string() }),
        joinedAt: z.string().nullable(),
        leftAt: z.string().nullable(),
        minutesPresent: z
          .number()
          .nullable()
          .openapi({ description: "Where the platform reports joins and leaves" }),
        automatic: Status.nullable(),
        rollCall: z.object({ status: Status, changedBy: z.string(), changedAt: z.string() }).nullable(),
        status: Status.nullable().openapi({
          description: "The roll call if taken, else the automatic record",
        }),
      }),
    ),
    guests: z.array(
      z.object({ name: z.string().nullable(), joinedAt: z.string(), minutesPresent: z.number().nullable() }),
    ),
  })
  .openapi("ClassAttendance");

export function attendanceRoutes(service: AttendanceService) {
  const app = createRouter();

  app.openapi(
    defineRoute({
      method: "get",
      path: "/me/attendance",
      tags: TAG,
      summary: "My attendance: days present, classes joined, and my rate",
      access: "signed-in",
      request: { query: Range.merge(FormatQuery) },
      responses: {
        200: jsonOrCsv(
          z.object({
            days: z.array(z.string()),
            liveClasses: z.array(z.object({ liveClassId: z.string(), joinedAt: z.string() })),
            rate: z.number().nullable(),
            courses: z.array(
              z.object({ courseId: z.string(), userId: z.string(), ...RateFields }).passthrough(),
            ),
          }),
          "My attendance",
        ),
      },
    }),
    async (c) => {
      const query = c.req.valid("query");
      const mine = await service.mine(currentUser(c), query);
      if (query.format === "csv") {
        const rows = mine.courses.flatMap((course) =>
          course.classes.map((cls) => ({ ...cls, courseId: course.courseId })),
        );
        return csvResponse(
          rows,
          [
            { header: "Course", value: (r) => r.courseId },
            { header: "Class", value: (r) => r.title },
            { header: "Starts at", value: (r) => r.startsAt },
            { header: "Status", value: (r) => r.status },
          ],
          "my-attendance.csv",
        );
      }
      return c.json(mine, 200);
    },
  );

  app.openapi(
    defineRoute({
      method: "get",
      path: "/courses/{id}/attendance",
      tags: TAG,
      summary: "Each student's class attendance in a course (owner, admin)",
      access: "attendance.report",
      request: { params: IdParam, query: FormatQuery },
      responses: {
        200: jsonOrCsv(
          z.object({
            courseId: z.string(),
            classes: z.array(
              z.object({ id: z.string(), title: z.string(), startsAt: z.string() }).passthrough(),
            ),
            students: z.array(
              z.object({
                userId: z.string(),
                name: z.string(),
                email: z.string(),
                ...RateFields,
                records: z.array(RecordSchema),
              }),
            ),
          }),
          "Per student; `?format=csv` for a spreadsheet",
        ),
      },
    }),
    async (c) => {
      const report = await service.courseReport(currentUser(c), c.req.valid("param").id);
      if (c.req.valid("query").format === "csv") {
        const columns = [
          { header: "Student", value: (s: (typeof report.students)[number]) => s.name },
          { header: "Email", value: (s: (typeof report.students)[number]) => s.email },
          { header: "Classes held", value: (s: (typeof report.students)[number]) => s.held },
          { header: "Attended", value: (s: (typeof report.students)[number]) => s.attended },
          { header: "Excused", value: (s: (typeof report.students)[number]) => s.excused },
          { header: "Rate %", value: (s: (typeof report.students)[number]) => percentCell(s.rate) },
          ...report.classes.map((cls) => ({
            header: `${cls.title} ${cls.startsAt.slice(0, 16).replace("T", " ")}`,
            value: (s: (typeof report.students)[number]) =>
              s.records.find((r) => r.liveClassId === cls.id)?.status ?? "",
          })),
        ];
        return csvResponse(report.students, columns, `attendance-${report.courseId}.csv`);
      }
      return c.json(report, 200);
    },
  );

  app.openapi(
    defineRoute({
      method: "get",
      path: "/courses/{id}/attendance/low",
      tags: TAG,
      summary: "Students under the low-attendance threshold (owner, admin)",
      access: "attendance.report",
      request: { params: IdParam },
      responses: {
        200: json(
          z.object({
            threshold: z.number(),
            items: z.array(
              z
                .object({
                  student: z.object({ id: z.string(), name: z.string(), email: z.string() }),
                  ...RateFields,
                })
                .passthrough(),
            ),
          }),
          "Lowest rate first",
        ),
      },
    }),
    async (c) => c.json(await service.lowAttendance(currentUser(c), c.req.valid("param").id), 200),
  );

  app.openapi(
    defineRoute({
      method: "get",
      path: "/admin/attendance",
      tags: TAG,
      summary: "Institution-wide attendance: users present per day, class attendance per course",
      access: "attendance.institution",
      request: { query: Range.merge(FormatQuery) },
      responses: {
        200: jsonOrCsv(
          z.object({
            from: z.string(),
            to: z.string(),
            days: z.array(z.object({ day: z.string(), users: z.number().int() })),
            courses: z.array(
              z.object({
                courseId: z.string(),
                title: z.string(),
                classesHeld: z.number().int(),
                students: z.number().int(),
                rate: z.number().nullable(),
              }),
            ),
          }),
          "`?format=csv` for the per-course table",
        ),
      },
    }),
    async (c) => {
      const query = c.req.valid("query");
      const report = await service.institutionReport(query);
      if (query.format === "csv") {
        return csvResponse(
          report.courses,
          [
            { header: "Course", value: (r) => r.title },
            { header: "Classes held", value: (r) => r.classesHeld },
            { header: "Students", value: (r) => r.students },
            { header: "Rate %", value: (r) => percentCell(r.rate) },
          ],
          `attendance-${report.from}-${report.to}.csv`,
        );
      }
      return c.json(report, 200);
    },
  );

  app.openapi(
    defineRoute({
      method: "get",
      path: "/live-classes/{id}/attendance",
      tags: TAG,
      summary: "Who attended one class, for how long where the platform reports it (owner, admin)",
      access: "attendance.report",
      request: { params: IdParam },
      responses: { 200: json(ClassAttendanceSchema, "Each enrolled student, and guests the platform saw") },
    }),
    async (c) => c.json(await service.classAttendance(currentUser(c), c.req.valid("param").id), 200),
  );

  app.openapi(
    defineRoute({
      method: "post",
      path: "/live-classes/{id}/roll-call",
      tags: TAG,
      summary: "Take the roll: overrides the automatic record and keeps who changed it (owner)",
      access: "attendance.report",
      request: {
        params: IdParam,
        body: jsonBody(
          z.object({
            entries: z
              .array(z.object({ userId: z.string().uuid(), status: Status }))
              .min(1)
              .max(2_000),
          }),
        ),
      },
      responses: { 200: json(ClassAttendanceSchema, "The class's attendance after the roll call") },
    }),
    async (c) =>
      c.json(
        await service.rollCall(currentUser(c), c.req.valid("param").id, c.req.valid("json").entries),
        200,
      ),
  );

  return app;
}
