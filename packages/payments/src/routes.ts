import {
  createRouter,
  csvHeaders,
  currentUser,
  defineRoute,
  defineWebhookRoute,
  IdParam,
  json,
  jsonBody,
  MoneySchema,
  pageOf,
  pageQuery,
  problems,
  z,
} from "@lectern/core";
import { PAYMENT_STATUSES } from "./schema.js";
import type { PaymentsService } from "./service/index.js";

const TAG = ["Payments"];
const Id = z.string().uuid();
/** No control characters reach the database (newlines and tabs are fine in notes). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .refine((s) => !CONTROL.test(s), "Remove control characters.");
const GatewayParam = z.object({
  gateway: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,39}$/, "A gateway id such as stripe.")
    .openapi({ param: { name: "gateway", in: "path" } }),
});

const PaymentSchema = z
  .object({
    id: z.string(),
    courseId: z.string(),
    userId: z.string(),
    gateway: z.string(),
    status: z.enum(PAYMENT_STATUSES),
    total: MoneySchema,
    amountRefunded: MoneySchema,
    listPrice: MoneySchema.openapi({ description: "The course's price before the coupon" }),
    couponCode: z.string().nullable(),
    gatewayRef: z.string().nullable(),
    statusReason: z.string().nullable().openapi({ description: "Why it failed or needs review" }),
    note: z.string().nullable(),
    markedBy: z.string().nullable(),
    markedAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    completedAt: z.string().nullable(),
    course: z.object({ id: z.string(), title: z.string(), slug: z.string() }).nullable(),
    instructions: z.string().optional().openapi({ description: "Offline gateways: what the student does" }),
    reference: z.string().optional().openapi({ description: "Offline gateways: the reference to quote" }),
  })
  .openapi("Payment");

const CouponSchema = z
  .object({
    id: z.string(),
    code: z.string(),
    percentOff: z.number().int().nullable(),
    amountOff: MoneySchema.nullable(),
    courseId: z.string().nullable(),
    expiresAt: z.string().nullable(),
    maxRedemptions: z.number().int().nullable(),
    redemptions: z.number().int(),
    active: z.boolean(),
    createdAt: z.string(),
  })
  .openapi("Coupon");

const CouponCode = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{3,40}$/, "3 to 40 letters, digits, dashes or underscores.");

const AdminFilters = z.object({
  status: z.enum(PAYMENT_STATUSES).optional(),
  gateway: z.string().max(40).optional(),
  from: z.string().datetime({ offset: true }).or(z.string().date()).optional(),
  to: z.string().datetime({ offset: true }).or(z.string().date()).optional(),
  courseId: Id.optional(),
  format: z.enum(["json", "csv"]).optional(),
  ...pageQuery,
});

const routes = {
  gateways: defineRoute({
    method: "get",
    path: "/payments/gateways",
    access: "public",
    tags: TAG,
    summary: "The installed payment methods",
    responses: {
      200: json(
        z.object({
          items: z.array(z.object({ id: z.string(), name: z.string() })),
          locale: z.string().openapi({ description: "The BCP 47 locale the institution writes amounts in" }),
        }),
        "Gateways",
      ),
    },
  }),
  checkout: defineRoute({
    method: "post",
    path: "/payments/checkout",
    access: "payments.buy",
    tags: TAG,
    summary: "Start paying for a course; requires an Idempotency-Key header",
    request: {
      headers: z.object({ "idempotency-key": z.string().optional() }),
      body: jsonBody(
        z.object({
          courseId: Id,
          gateway: z.string().min(1).max(40),
          couponCode: CouponCode.optional(),
        }),
      ),
    },
    responses: {
      201: json(
        z.object({
          paymentId: z.string(),
          redirectUrl: z.string().nullable().openapi({ description: "Null when a coupon made it free" }),
        }),
        "Where to send the student",
      ),
    },
  }),
  get: defineRoute({
    method: "get",
    path: "/payments/{id}",
    access: "signed-in",
    tags: TAG,
    summary: "One payment (the payer's own, or any for an admin)",
    request: { params: IdParam },
    responses: { 200: json(PaymentSchema, "The payment") },
  }),
  return: defineRoute({
    method: "get",
    path: "/payments/return/{gateway}",
    access: "public",
    tags: TAG,
    summary: "Where a gateway sends the student back; captures when needed, then redirects",
    request: { params: GatewayParam, query: z.object({ paymentId: z.string().max(64) }).passthrough() },
    responses: { 302: { description: "To the campus's payment page" } },
  }),
  mine: defineRoute({
    method: "get",
    path: "/me/payments",
    access: "payments.buy",
    tags: TAG,
    summary: "The student's own payments, newest first",
    request: { query: z.object(pageQuery) },
    responses: { 200: json(pageOf(PaymentSchema), "A page of payments") },
  }),
  adminList: defineRoute({
    method: "get",
    path: "/admin/payments",
    access: "payments.manage",
    tags: TAG,
    summary: "Every payment, newest first, filtered; `?format=csv` for a spreadsheet",
    request: { query: AdminFilters },
    responses: {
      200: {
        description: "A page of payments, or all matching ones as CSV",
        content: {
          "application/json": { schema: pageOf(PaymentSchema) },
          "text/csv": { schema: z.string() },
        },
      },
    },
  }),
  mark: defineRoute({
    method: "post",
    path: "/admin/payments/{id}/mark",
    access: "payments.manage",
    tags: TAG,
    summary: "Settle an offline payment, or one needing review, by hand with a note",
    request: {
      params: IdParam,
      body: jsonBody(
        z.object({
          status: z.enum(["completed", "failed"]),
          note: text(2000).pipe(
            z.string().min(1, "Say what you checked: the note is kept with the payment."),
          ),
        }),
      ),
    },
    responses: { 200: json(PaymentSchema, "The payment") },
  }),
  refund: defineRoute({
    method: "post",
    path: "/admin/payments/{id}/refund",
    access: "payments.manage",
    tags: TAG,
    summary: "Refund through the gateway; the rest of the payment by default",
    request: {
      params: IdParam,
      body: { content: { "application/json": { schema: z.object({ amount: MoneySchema.optional() }) } } },
    },
    responses: { 200: json(PaymentSchema, "The payment") },
  }),
  createCoupon: defineRoute({
    method: "post",
    path: "/admin/coupons",
    access: "payments.manage",
    tags: TAG,
    summary: "Create a coupon: percentOff or amountOff, for one course or all",
    request: {
      body: jsonBody(
        z.object({
          code: CouponCode,
          percentOff: z.number().int().min(1).max(100).optional(),
          amountOff: MoneySchema.optional(),
          courseId: Id.optional(),
          expiresAt: z.string().datetime({ offset: true }).optional(),
          maxRedemptions: z.number().int().min(1).max(1_000_000).optional(),
        }),
      ),
    },
    responses: { 201: json(CouponSchema, "The coupon") },
  }),
  listCoupons: defineRoute({
    method: "get",
    path: "/admin/coupons",
    access: "payments.manage",
    tags: TAG,
    summary: "Every coupon with its redemptions",
    responses: { 200: json(pageOf(CouponSchema), "Coupons") },
  }),
  deactivateCoupon: defineRoute({
    method: "delete",
    path: "/admin/coupons/{id}",
    access: "payments.manage",
    tags: TAG,
    summary: "Deactivate a coupon (kept, with its redemptions, for the record)",
    request: { params: IdParam },
    responses: { 200: json(CouponSchema, "The deactivated coupon") },
  }),
};

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

export function paymentsRoutes(service: PaymentsService) {
  return createRouter()
    .openapi(routes.gateways, (c) => c.json({ items: service.gateways(), locale: service.locale }, 200))
    .openapi(routes.checkout, async (c) => {
      const key = c.req.valid("header")["idempotency-key"];
      if (!key || !IDEMPOTENCY_KEY.test(key)) {
        throw problems.badRequest(
          "Send an Idempotency-Key header (1 to 255 visible characters), new for each purchase attempt.",
          { type: "idempotency-key-required" },
        );
      }
      const result = await service.checkout.start(currentUser(c), c.req.valid("json"), key);
      return c.json(result, 201);
    })
    .openapi(routes.get, async (c) =>
      c.json(await service.reports.get(currentUser(c), c.req.valid("param").id), 200),
    )
    .route(
      "/",
      // Core's webhook route hands over the untouched body (signatures are computed over those
      // bytes) and keeps the verified events in its inbox: one INSERT, then 200 at once.
      defineWebhookRoute({
        path: "/payments/webhooks/{gateway}",
        tags: TAG,
        summary:
          "Where a gateway posts its events; signature checked (bad → 400), events kept and applied right after; replays change nothing",
        inbox: service.inbox.webhooks,
        verify: ({ text, headers, params }) => {
          const lowerCase: Record<string, string> = {};
          headers.forEach((value, name) => {
            lowerCase[name.toLowerCase()] = value;
          });
          return service.inbox.verifyWebhook(params.gateway ?? "", text, lowerCase);
        },
      }),
    )
    .openapi(routes.return, async (c) => {
      const { paymentId, ...query } = c.req.valid("query") as Record<string, string> & { paymentId: string };
      await service.inbox.studentReturned(c.req.valid("param").gateway, paymentId, query);
      return c.redirect(service.paymentPageUrl(/^[0-9a-f-]{36}$/i.test(paymentId) ? paymentId : ""), 302);
    })
    .openapi(routes.mine, async (c) =>
      c.json(await service.reports.list({ userId: currentUser(c).id }, c.req.valid("query")), 200),
    )
    .openapi(routes.adminList, async (c) => {
      const { format, from, to, limit, cursor, ...rest } = c.req.valid("query");
      const filters = { ...rest, from: from ? new Date(from) : undefined, to: to ? new Date(to) : undefined };
      if (format === "csv")
        return c.body(await service.reports.csv(filters), 200, csvHeaders("payments.csv")) as never;
      return c.json(await service.reports.list(filters, { limit, cursor }), 200);
    })
    .openapi(routes.mark, async (c) => {
      const marked = await service.admin.mark(currentUser(c), c.req.valid("param").id, c.req.valid("json"));
      return c.json(await service.reports.get(currentUser(c), marked.id), 200);
    })
    .openapi(routes.refund, async (c) => {
      const body = (c.req.valid("json") ?? {}) as { amount?: { amount: number; currency: string } };
      const refunded = await service.admin.refund(currentUser(c), c.req.valid("param").id, body.amount);
      return c.json(await service.reports.get(currentUser(c), refunded.id), 200);
    })
    .openapi(routes.createCoupon, async (c) =>
      c.json(await service.coupons.create(currentUser(c).id, c.req.valid("json")), 201),
    )
    .openapi(routes.listCoupons, async (c) =>
      c.json({ items: await service.coupons.list(), nextCursor: null }, 200),
    )
    .openapi(routes.deactivateCoupon, async (c) =>
      c.json(await service.coupons.deactivate(c.req.valid("param").id), 200),
    );
}
