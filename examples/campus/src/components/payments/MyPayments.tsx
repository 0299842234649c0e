import { api } from "../../lib/api";
import { formatDate, formatMoney } from "../../lib/format";
import { type Gateways, loadGateways, type Payment, STATUS_LABEL, STATUS_TONE } from "../../lib/payments";
import type { Page } from "../../lib/types";
import { Badge, EmptyState, Resource, SkeletonRows, useLoad } from "../ui/states";

/** The student's payments and the gateways' names and locale, in one load. */
async function loadMine(limit: number): Promise<{ page: Page<Payment>; gateways: Gateways }> {
  const [page, gateways] = await Promise.all([
    api().get<Page<Payment>>("/api/me/payments", { query: { limit } }),
    loadGateways(),
  ]);
  return { page, gateways };
}

/** A list of the student's payments, each opening its page; `compact` for the profile's card. */
export function PaymentList({ compact = false }: { compact?: boolean }) {
  const mine = useLoad(() => loadMine(compact ? 5 : 50));
  return (
    <Resource state={mine.state} onRetry={mine.reload} skeleton={<SkeletonRows rows={compact ? 2 : 4} />}>
      {({ page, gateways }) => {
        if (page.items.length === 0)
          return compact ? (
            <p className="text-sm text-muted">No payments. Free courses never ask for one.</p>
          ) : (
            <EmptyState
              icon="inbox"
              title="No payments yet"
              action={
                <a href="/courses" className="btn-primary">
                  Browse courses
                </a>
              }
            >
              Free courses never ask for one; paid ones show here once you buy them.
            </EmptyState>
          );
        const name = (id: string) => gateways.items.find((g) => g.id === id)?.name ?? id;
        return (
          <ul
            className={compact ? "divide-y divide-line" : "card divide-y divide-line"}
            data-testid="payments"
          >
            {page.items.map((p) => (
              <li
                key={p.id}
                className={`flex flex-wrap items-center gap-3 text-sm ${compact ? "py-3" : "p-4 sm:px-5"}`}
              >
                <div className="min-w-0 flex-1">
                  <a href={`/student/payments/${p.id}`} className="font-medium">
                    {p.course?.title ?? "A course"}
                  </a>
                  <p className="text-muted">
                    {formatDate(p.createdAt, gateways.locale)} · {name(p.gateway)}
                    {p.couponCode ? ` · coupon ${p.couponCode}` : ""}
                  </p>
                </div>
                <span className="font-medium tabular-nums">{formatMoney(p.total, gateways.locale)}</span>
                <Badge tone={STATUS_TONE[p.status]}>{STATUS_LABEL[p.status]}</Badge>
              </li>
            ))}
          </ul>
        );
      }}
    </Resource>
  );
}

export default function MyPayments() {
  return <PaymentList />;
}
