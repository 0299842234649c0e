import {
  type AnalyticsFigures,
  type AnalyticsQuery,
  afterTimeAndId,
  type CsvColumn,
  decodeCursor,
  type Page,
  problems,
  toCsv,
  toPage,
  type User,
} from "@lectern/core";
import { and, count, desc, eq, gte, inArray, isNotNull, lt, type SQL, sql } from "drizzle-orm";
import { type PaymentStatus, payments } from "../schema.js";
import { type Payment, type PaymentRow, type PaymentsDeps, toPayment, UUID } from "./context.js";

export interface PaymentFilters {
  status?: PaymentStatus;
  gateway?: string;
  /** Created at or after. */
  from?: Date;
  /** Created before. */
  to?: Date;
  userId?: string;
  courseId?: string;
}

/** At most this many rows in one CSV export; narrow the dates for more. */
const CSV_LIMIT = 50_000;

export type PaymentWithCourse = Payment & { course: { id: string; title: string; slug: string } | null };

export class PaymentReports {
  constructor(private readonly deps: PaymentsDeps) {}

  /** The payer's own payment, or any for an admin; 404 for everyone else. */
  async get(viewer: User, id: string): Promise<PaymentWithCourse> {
    const [row] = UUID.test(id) ? await this.deps.db.select().from(payments).where(eq(payments.id, id)) : [];
    if (!row || (row.userId !== viewer.id && viewer.role !== "admin")) {
      throw problems.notFound("There is no such payment.");
    }
    const [payment] = await this.#withCourses([row]);
    const gateway = this.deps.gateways.get(row.gateway)?.gateway;
    if (gateway?.instructions && row.gatewayRef) {
      const total = { amount: row.amount, currency: row.currency };
      payment!.reference = row.gatewayRef;
      payment!.instructions = gateway.instructions({ paymentId: row.id, reference: row.gatewayRef, total });
    }
    return payment!;
  }

  async list(
    filters: PaymentFilters,
    page: { limit: number; cursor?: string },
  ): Promise<Page<PaymentWithCourse>> {
    const where = this.#where(filters);
    const after = afterTimeAndId(decodeCursor(page.cursor), payments.createdAt, payments.id, "desc");
    if (after) where.push(after);
    const rows = await this.deps.db
      .select()
      .from(payments)
      .where(and(...where))
      .orderBy(desc(payments.createdAt), desc(payments.id))
      .limit(page.limit + 1);
    const result = toPage(
      rows,
      page.limit,
      (r) => [r.createdAt.toISOString(), r.id],
      (r) => r,
    );
    return { items: await this.#withCourses(result.items), nextCursor: result.nextCursor };
  }

  /** The filtered payments as CSV, through core's writer (spreadsheet-safe cells). */
  async csv(filters: PaymentFilters): Promise<string> {
    const rows = await this.deps.db
      .select()
      .from(payments)
      .where(and(...this.#where(filters)))
      .orderBy(desc(payments.createdAt), desc(payments.id))
      .limit(CSV_LIMIT);
    const items = await this.#withCourses(rows);
    const decimals = (currency: string) =>
      new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ??
      2;
    const major = (amount: number, currency: string) =>
      (amount / 10 ** decimals(currency)).toFixed(decimals(currency));
    const columns: CsvColumn<PaymentWithCourse>[] = [
      { header: "Payment", value: (p) => p.id },
      { header: "Created", value: (p) => p.createdAt },
      { header: "Completed", value: (p) => p.completedAt },
      { header: "Status", value: (p) => p.status },
      { header: "Course", value: (p) => p.course?.title ?? p.courseId },
      { header: "Student", value: (p) => p.userId },
      { header: "Gateway", value: (p) => p.gateway },
      { header: "Gateway reference", value: (p) => p.gatewayRef },
      { header: "Currency", value: (p) => p.total.currency },
      { header: "Total", value: (p) => major(p.total.amount, p.total.currency) },
      { header: "Refunded", value: (p) => major(p.amountRefunded.amount, p.total.currency) },
      { header: "Coupon", value: (p) => p.couponCode },
      { header: "Note", value: (p) => p.note ?? p.statusReason },
    ];
    return toCsv(items, columns);
  }

  /** Revenue (net of refunds) per week and currency, for the admin dashboard. */
  async analytics({ db, since, weekOf }: AnalyticsQuery): Promise<AnalyticsFigures> {
    const byStatus = await db
      .select({ status: payments.status, n: count() })
      .from(payments)
      .groupBy(payments.status);
    const of = (status: string) => byStatus.find((r) => r.status === status)?.n ?? 0;
    const week = weekOf(payments.completedAt);
    const revenue = await db
      .select({
        week,
        currency: payments.currency,
        value: sql<number>`coalesce(sum(${payments.amount} - ${payments.amountRefunded}), 0)::int`,
      })
      .from(payments)
      .where(
        and(
          isNotNull(payments.completedAt),
          inArray(payments.status, ["completed", "refunded"]),
          gte(payments.completedAt, since),
        ),
      )
      .groupBy(week, payments.currency);
    const series: Record<string, { week: string; value: number }[]> = {};
    for (const row of revenue) {
      const key = `revenue${row.currency}`;
      series[key] = [...(series[key] ?? []), { week: row.week, value: Number(row.value) }];
    }
    return {
      totals: { paymentsCompleted: of("completed"), paymentsNeedingReview: of("needs_review") },
      series,
    };
  }

  #where(filters: PaymentFilters): SQL[] {
    const where: SQL[] = [];
    if (filters.status) where.push(eq(payments.status, filters.status));
    if (filters.gateway) where.push(eq(payments.gateway, filters.gateway));
    if (filters.from) where.push(gte(payments.createdAt, filters.from));
    if (filters.to) where.push(lt(payments.createdAt, filters.to));
    if (filters.userId) where.push(eq(payments.userId, filters.userId));
    if (filters.courseId) where.push(eq(payments.courseId, filters.courseId));
    return where;
  }

  async #withCourses(rows: PaymentRow[]): Promise<PaymentWithCourse[]> {
    const ids = [...new Set(rows.map((r) => r.courseId))];
    const found = await Promise.all(ids.map((id) => this.deps.courses.course(this.deps.db, id)));
    const byId = new Map(found.filter((c) => c !== null).map((c) => [c.id, c]));
    return rows.map((row) => {
      const course = byId.get(row.courseId);
      return {
        ...toPayment(row),
        course: course ? { id: course.id, title: course.title, slug: course.slug } : null,
      };
    });
  }
}
