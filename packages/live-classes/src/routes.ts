import {
  createRouter,
  currentUser,
  defineRoute,
  defineWebhookRoute,
  IdParam,
  json,
  jsonBody,
  pageOf,
  pageQuery,
  problems,
  z,
} from "@lectern/core";
import type { CalendarFeed } from "./calendar.js";
import { CLASS_STATUSES } from "./schema.js";
import type { LiveClassesService } from "./service.js";

const TAG = ["Live classes"];

/** Control characters other than tab and newlines only hide things. */
function hasControlCharacters(text: string): boolean {
  return [...text].some((ch) => {
    const code = ch.charCodeAt(0);
    return (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f;
  });
}

const Title = z
  .string()
  .max(200)
  .refine((s) => !hasControlCharacters(s), "Control characters are not allowed.")
  .transform((s) => s.trim())
  .pipe(z.string().min(1, "A title is required."));
const Instant = z.iso
  .datetime({ offset: true, message: "An ISO 8601 date and time, such as 2026-03-02T14:00:00Z." })
  .transform((s) => new Date(s));
const Duration = z
  .number()
  .int()
  .min(5, "A class lasts at least 5 minutes.")
  .max(24 * 60);

export const LiveClassSchema = z
  .object({
    id: z.string(),
    courseId: z.string(),
    seriesId: z.string().nullable(),
    title: z.string(),
    startsAt: z.string(),
    endsAt: z.string(),
    opensAt: z.string().openapi({ description: "When the join route starts letting students in" }),
    durationMinutes: z.number().int(),
    provider: z.string(),
    status: z.enum(CLASS_STATUSES),
    joinUrl: z.string().openapi({ description: "Lectern's join route, never the platform's link" }),
    sequence: z.number().int(),
    updatedAt: z.string(),
  })
  .openapi("LiveClass");

const ScheduleBody = z
  .object({
    title: Title,
    startsAt: Instant,
    durationMinutes: Duration,
    provider: z.string().min(1).max(60),
    recurrence: z
      .object({
        weekly: z.literal(true),
        until: Instant.optional(),
        count: z.number().int().min(1).max(10_000).optional(),
      })
      .optional(),
  })
  .openapi("ScheduleLiveClass");

const PatchBody = z
  .object({ title: Title.optional(), startsAt: Instant.optional(), durationMinutes: Duration.optional() })
  .refine((p) => Object.keys(p).length > 0, "Change at least one of title, startsAt, durationMinutes.");

const Range = {
  from: Instant.optional(),
  to: Instant.optional(),
};

export function liveClassesRoutes(service: LiveClassesService, calendar: CalendarFeed) {
  const app = createRouter();

  app.openapi(
    defineRoute({
      method: "post",
      path: "/me/calendar-token",
      tags: TAG,
      summary: "A new calendar feed link (the old one stops working)",
      access: "signed-in",
      responses: { 200: json(z.object({ url: z.string() }), "The feed's address, token included") },
    }),
    async (c) => c.json(await calendar.resetToken(currentUser(c).id), 200),
  );

  app.openapi(
    defineRoute({
      method: "get",
      path: "/me/calendar.ics",
      tags: TAG,
      summary:
        "My classes and exam windows as an iCalendar feed (for calendar apps; `?token=` from calendar-token)",
      access: "public",
      request: { query: z.object({ token: z.string().min(16).max(100) }) },
      responses: { 200: { description: "iCalendar", content: { "text/calendar": { schema: z.string() } } } },
    }),
    async (c) => {
      const feed = await calendar.render(c.req.valid("query").token);
      if (feed === null)
        throw problems.notFound("This calendar link is not valid (it may have been replaced).");
      return c.body(feed, 200, {
        "Content-Type": "text/calendar; charset=utf-8",
        "Cache-Control": "private, max-age=300",
      });
    },
  );

  app.openapi(
    defineRoute({
      method: "post",
      path: "/courses/{id}/live-classes",
      tags: TAG,
      summary: "Schedule a class, or a weekly series (course owner)",
      access: "live-classes.schedule",
      request: { params: IdParam, body: jsonBody(ScheduleBody) },
      responses: {
        201: json(
          LiveClassSchema.extend({
            hostUrl: z.string().openapi({ description: "The platform's host link, for the owner" }),
            occurrences: z.number().int(),
          }),
          "The (first) class",
        ),
      },
    }),
    async (c) => {
      const result = await service.schedule(currentUser(c), c.req.valid("param").id, c.req.valid("json"));
      return c.json({ ...result.liveClass, hostUrl: result.hostUrl, occurrences: result.occurrences }, 201);
    },
  );

  app.openapi(
    defineRoute({
      method: "get",
      path: "/courses/{id}/live-classes",
      tags: TAG,
      summary: "A course's schedule (enrolled students, owner, admins)",
      access: "signed-in",
      request: { params: IdParam, query: z.object({ ...pageQuery, ...Range }) },
      responses: { 200: json(pageOf(LiveClassSchema), "Classes in start order") },
    }),
    async (c) =>
      c.json(await service.listForCourse(currentUser(c), c.req.valid("param").id, c.req.valid("query")), 200),
  );

  app.openapi(
    defineRoute({
      method: "get",
      path: "/me/live-classes",
      tags: TAG,
      summary: "Upcoming classes in the courses I study or teach",
      access: "signed-in",
      request: { query: z.object(pageQuery) },
      responses: { 200: json(pageOf(LiveClassSchema), "Classes not yet over, soonest first") },
    }),
    async (c) => c.json(await service.listUpcoming(currentUser(c), c.req.valid("query")), 200),
  );

  app.openapi(
    defineRoute({
      method: "get",
      path: "/live-classes/providers",
      tags: TAG,
      summary: "The installed video platforms",
      access: "live-classes.schedule",
      responses: {
        200: json(z.object({ items: z.array(z.object({ id: z.string(), name: z.string() })) }), "Providers"),
      },
    }),
    (c) => c.json({ items: service.listProviders() }, 200),
  );

  app.openapi(
    defineRoute({
      method: "get",
      path: "/live-classes/{id}",
      tags: TAG,
      summary: "One class",
      access: "signed-in",
      request: { params: IdParam },
      responses: { 200: json(LiveClassSchema, "The class") },
    }),
    async (c) => c.json(await service.get(currentUser(c), c.req.valid("param").id), 200),
  );

  app.openapi(
    defineRoute({
      method: "patch",
      path: "/live-classes/{id}",
      tags: TAG,
      summary: "Move, lengthen or rename one class (owner)",
      access: "live-classes.schedule",
      request: { params: IdParam, body: jsonBody(PatchBody) },
      responses: { 200: json(LiveClassSchema, "The class, with its sequence bumped") },
    }),
    async (c) =>
      c.json(await service.move(currentUser(c), c.req.valid("param").id, c.req.valid("json")), 200),
  );

  app.openapi(
    defineRoute({
      method: "delete",
      path: "/live-classes/{id}",
      tags: TAG,
      summary: "Cancel one class (owner); it is kept as cancelled",
      access: "live-classes.schedule",
      request: { params: IdParam },
      responses: { 200: json(LiveClassSchema, "The cancelled class") },
    }),
    async (c) => c.json(await service.cancel(currentUser(c), c.req.valid("param").id), 200),
  );

  app.openapi(
    defineRoute({
      method: "get",
      path: "/live-classes/{id}/join",
      tags: TAG,
      summary: "Join: a redirect to a link made for me (the host link for the owner)",
      description:
        "Not enrolled → 403; before the window opens → 409 with `opensAt`; cancelled or ended → 410.",
      access: "signed-in",
      request: { params: IdParam },
      responses: { 302: { description: "To the platform, with a link made for this user" } },
    }),
    async (c) => {
      const { url } = await service.join(currentUser(c), c.req.valid("param").id);
      c.header("Cache-Control", "no-store");
      c.header("Referrer-Policy", "no-referrer");
      return c.redirect(url, 302);
    },
  );

  app.route(
    "/",
    defineWebhookRoute({
      path: "/live-classes/webhooks/{provider}",
      tags: TAG,
      summary: "A video platform's participant webhook (signature checked by its provider; bad → 401)",
      maxBytes: 5 * 1024 * 1024,
      handler: ({ text, headers, params, ctx }) =>
        service.receiveWebhook(params.provider ?? "", { rawBody: text, headers, url: ctx.req.url }),
    }),
  );

  return app;
}
