import type { AnalyticsFigures, AnalyticsQuery } from "@lectern/core";
import { and, count, gte, isNotNull } from "drizzle-orm";
import { certificates } from "./schema.js";

/** Certificates' share of the admin dashboard: how many by status, and issued per week. */
export async function certificatesAnalytics({
  db,
  since,
  weekOf,
}: AnalyticsQuery): Promise<AnalyticsFigures> {
  const byStatus = await db
    .select({ status: certificates.status, n: count() })
    .from(certificates)
    .groupBy(certificates.status);
  const of = (status: string) => byStatus.find((r) => r.status === status)?.n ?? 0;
  const week = weekOf(certificates.issuedAt);
  const issued = await db
    .select({ week, value: count() })
    .from(certificates)
    .where(and(isNotNull(certificates.issuedAt), gte(certificates.issuedAt, since)))
    .groupBy(week);
  return {
    totals: { certificatesIssued: of("issued"), certificatesPending: of("pending") },
    series: { certificatesIssued: issued },
  };
}
