import {
  type AuditRecorder,
  type Clock,
  type Database,
  type EventBus,
  type Executor,
  type JobQueue,
  type Logger,
  type Mailer,
  type Money,
  problems,
} from "@lectern/core";
import { eq } from "drizzle-orm";
import type { CoursesGateway } from "../courses.js";
import type { InstalledGateway } from "../providers.js";
import { type PaymentStatus, payments } from "../schema.js";

/** The plugin's options after validation (see `paymentsOptions` in index.ts). */
export interface PaymentsConfig {
  revokeAccessOnRefund: boolean;
  reconcileAfterMinutes: number;
  reconcileSchedule: string;
  checkoutTimeoutMs: number;
  /** Where the campus shows one payment; `:id` is replaced. */
  paymentPagePath: string;
  locale: string;
  institution: { name: string; details: string };
}

/** What the service needs, built from the plugin context in index.ts. */
export interface PaymentsServiceDeps {
  db: Database;
  clock: Clock;
  events: EventBus;
  /** Runs the webhook inbox's job. */
  jobs: JobQueue;
  mail: Mailer;
  logger: Logger;
  publicUrl: string;
  options: PaymentsConfig;
  /** The gateways core created and checked at boot, in the order they were given. */
  gateways: InstalledGateway[];
  courses: CoursesGateway;
  /** Payments marked by hand and refunds are recorded here. */
  audit: AuditRecorder;
}

/** What every part of the service shares: the deps, with the gateways by id. */
export interface PaymentsDeps extends Omit<PaymentsServiceDeps, "gateways"> {
  gateways: Map<string, InstalledGateway>;
}

export type PaymentRow = typeof payments.$inferSelect;

export interface Payment {
  id: string;
  courseId: string;
  userId: string;
  gateway: string;
  status: PaymentStatus;
  total: Money;
  amountRefunded: Money;
  /** The course's price before the coupon. */
  listPrice: Money;
  couponCode: string | null;
  gatewayRef: string | null;
  /** Why it failed or needs review. */
  statusReason: string | null;
  note: string | null;
  markedBy: string | null;
  markedAt: string | null;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
  /** Offline gateways only: what to do, and the reference to quote. */
  instructions?: string;
  reference?: string;
}

export function toPayment(row: PaymentRow): Payment {
  const money = (amount: number) => ({ amount, currency: row.currency });
  return {
    id: row.id,
    courseId: row.courseId,
    userId: row.userId,
    gateway: row.gateway,
    status: row.status,
    total: money(row.amount),
    amountRefunded: money(row.amountRefunded),
    listPrice: money(row.listAmount),
    couponCode: row.couponCode,
    gatewayRef: row.gatewayRef,
    statusReason: row.statusReason,
    note: row.note,
    markedBy: row.markedBy,
    markedAt: row.markedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    completedAt: row.completedAt?.toISOString() ?? null,
  };
}

/** The payment, locked for the rest of the caller's transaction; 404 when there is none. */
export async function lockPayment(tx: Executor, id: string): Promise<PaymentRow> {
  const [row] = await tx.select().from(payments).where(eq(payments.id, id)).for("update");
  if (!row) throw problems.notFound("There is no such payment.");
  return row;
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
