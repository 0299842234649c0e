import { useEffect, useState } from "react";
import { api, withQuery } from "../../lib/api";
import { formatDateTime, formatMoney } from "../../lib/format";
import { onLive } from "../../lib/live";
import {
  type Gateways,
  loadGateways,
  type Payment,
  type PaymentStatus,
  STATUS_LABEL,
  STATUS_TONE,
} from "../../lib/payments";
import type { Page } from "../../lib/types";
import { Icon } from "../ui/Icon";
import { Badge, EmptyState, Resource, SkeletonRows, useLoad } from "../ui/states";
import { TableFrame } from "../ui/TableFrame";
import { MarkDialog, RefundDialog } from "./PaymentActions";

interface Filters {
  status: "" | PaymentStatus;
  gateway: string;
  courseId: string;
  from: string;
  to: string;
}

type Action = { kind: "completed" | "failed" | "refund"; payment: Payment } | null;

const NO_FILTERS: Filters = { status: "", gateway: "", courseId: "", from: "", to: "" };

/** The query the list and the CSV share; `to` is a day, so the filter ends after it. */
function queryOf(filters: Filters): Record<string, string> {
  const to = filters.to ? new Date(Date.parse(filters.to) + 86_400_000).toISOString().slice(0, 10) : "";
  return { ...filters, to };
}

export default function AdminPayments() {
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [action, setAction] = useState<Action>(null);
  const [more, setMore] = useState<{ items: Payment[]; cursor: string | null }>({ items: [], cursor: null });
  const setup = useLoad(async () => {
    const [gateways, courses] = await Promise.all([
      loadGateways(),
      api().get<Page<{ id: string; title: string; price: unknown }>>("/api/admin/courses", {
        query: { limit: 100 },
      }),
    ]);
    return { gateways, courses: courses.items.filter((c) => c.price) };
  });
  const list = useLoad(
    () => api().get<Page<Payment>>("/api/admin/payments", { query: { ...queryOf(filters), limit: 25 } }),
    [filters],
  );
  const { reload } = list;

  useEffect(() => {
    if (list.status === "ready") setMore({ items: [], cursor: list.data.nextCursor });
  }, [list.status, list.data]);
  // A webhook or another admin changes a payment: the list follows without a reload.
  useEffect(() => onLive((event) => event.event === "payment.updated" && void reload()), [reload]);

  async function loadMore() {
    if (!more.cursor) return;
    const page = await api().get<Page<Payment>>("/api/admin/payments", {
      query: { ...queryOf(filters), limit: 25, cursor: more.cursor },
    });
    setMore({ items: [...more.items, ...page.items], cursor: page.nextCursor });
  }

  const set = (key: keyof Filters) => (e: { target: { value: string } }) =>
    setFilters((f) => ({ ...f, [key]: e.target.value }));
  const csv = withQuery("/api/admin/payments", { ...queryOf(filters), format: "csv" });

  return (
    <Resource state={setup.state} onRetry={setup.reload}>
      {({ gateways, courses }) => (
        <div className="space-y-5">
          <form
            className="card grid gap-3 p-4 sm:grid-cols-2 sm:items-end lg:grid-cols-3"
            onSubmit={(e) => e.preventDefault()}
            aria-label="Filter payments"
          >
            <Select id="f-status" label="Status" value={filters.status} onChange={set("status")}>
              <option value="">Every status</option>
              {Object.entries(STATUS_LABEL).map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </Select>
            <Select id="f-gateway" label="Method" value={filters.gateway} onChange={set("gateway")}>
              <option value="">Every method</option>
              {gateways.items.map((g) => (
                <option key={g.id} value={g.id}>
                  {g.name}
                </option>
              ))}
            </Select>
            <Select id="f-course" label="Course" value={filters.courseId} onChange={set("courseId")}>
              <option value="">Every course</option>
              {courses.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.title}
                </option>
              ))}
            </Select>
            <div>
              <label htmlFor="f-from" className="label">
                From
              </label>
              <input id="f-from" type="date" className="field" value={filters.from} onChange={set("from")} />
            </div>
            <div>
              <label htmlFor="f-to" className="label">
                To
              </label>
              <input id="f-to" type="date" className="field" value={filters.to} onChange={set("to")} />
            </div>
            <a
              href={csv}
              download="payments.csv"
              className="btn-secondary whitespace-nowrap sm:col-span-2 lg:col-span-1"
            >
              <Icon name="download" className="h-4 w-4" /> Download CSV
            </a>
          </form>
          <Resource state={list.state} onRetry={reload} skeleton={<SkeletonRows rows={6} className="h-12" />}>
            {(page) => {
              const rows = [...page.items, ...more.items];
              if (rows.length === 0)
                return (
                  <EmptyState icon="inbox" title="No payments match">
                    {filters === NO_FILTERS
                      ? "Payments appear here as soon as students buy a course."
                      : "Try another status, method, course or dates."}
                  </EmptyState>
                );
              return (
                <PaymentTable
                  rows={rows}
                  gateways={gateways}
                  onAction={setAction}
                  more={more.cursor ? loadMore : null}
                />
              );
            }}
          </Resource>
          {action && action.kind !== "refund" && (
            <MarkDialog
              payment={action.payment}
              outcome={action.kind}
              locale={gateways.locale}
              onClose={() => setAction(null)}
              onDone={() => {
                setAction(null);
                void reload();
              }}
            />
          )}
          {action?.kind === "refund" && (
            <RefundDialog
              payment={action.payment}
              locale={gateways.locale}
              onClose={() => setAction(null)}
              onDone={() => {
                setAction(null);
                void reload();
              }}
            />
          )}
        </div>
      )}
    </Resource>
  );
}

function Select({
  id,
  label,
  value,
  onChange,
  children,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (e: { target: { value: string } }) => void;
  children: React.ReactNode;
}) {
  return (
    <div>
      <label htmlFor={id} className="label">
        {label}
      </label>
      <select id={id} className="field" value={value} onChange={onChange}>
        {children}
      </select>
    </div>
  );
}

function PaymentTable({
  rows,
  gateways,
  onAction,
  more,
}: {
  rows: Payment[];
  gateways: Gateways;
  onAction: (action: Action) => void;
  more: (() => void) | null;
}) {
  const name = (id: string) => gateways.items.find((g) => g.id === id)?.name ?? id;
  const { locale } = gateways;
  return (
    <TableFrame label="Payments" className="card">
      <table className="w-full min-w-[52rem] text-left text-sm">
        <thead className="border-b border-line text-xs uppercase tracking-wider text-muted">
          <tr>
            <th className="px-4 py-3 font-semibold">Date</th>
            <th className="px-4 py-3 font-semibold">Course</th>
            <th className="px-4 py-3 font-semibold">Method and reference</th>
            <th className="px-4 py-3 text-right font-semibold">Amount</th>
            <th className="px-4 py-3 font-semibold">Status</th>
            <th className="px-4 py-3 font-semibold">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-line">
          {rows.map((p) => {
            // Only offline payments are settled by hand; a card payment waits for its gateway.
            const settleable =
              p.status === "needs_review" || (p.status === "pending" && p.gateway === "manual");
            const refundable = p.status === "completed" && p.amountRefunded.amount < p.total.amount;
            return (
              <tr key={p.id} data-testid="payment-row" data-payment={p.id}>
                <td className="whitespace-nowrap px-4 py-3 text-muted">
                  {formatDateTime(p.createdAt, locale)}
                </td>
                <td className="px-4 py-3 font-medium">{p.course?.title ?? "—"}</td>
                <td className="px-4 py-3">
                  {name(p.gateway)}
                  <span className="block font-mono text-xs text-muted">{p.gatewayRef ?? "—"}</span>
                </td>
                <td className="whitespace-nowrap px-4 py-3 text-right tabular-nums">
                  {formatMoney(p.total, locale)}
                  {p.amountRefunded.amount > 0 && (
                    <span className="block text-xs text-muted">
                      {formatMoney(p.amountRefunded, locale)} refunded
                    </span>
                  )}
                </td>
                <td className="px-4 py-3">
                  <Badge tone={STATUS_TONE[p.status]}>{STATUS_LABEL[p.status]}</Badge>
                  {(p.note || p.statusReason) && (
                    <span className="mt-1 block max-w-[16rem] text-xs text-muted">
                      {p.note ?? p.statusReason}
                    </span>
                  )}
                </td>
                <td className="px-4 py-3">
                  <div className="flex justify-end gap-2">
                    {settleable && (
                      <>
                        <button
                          type="button"
                          className="btn-secondary btn-sm"
                          onClick={() => onAction({ kind: "completed", payment: p })}
                        >
                          Mark paid
                        </button>
                        <button
                          type="button"
                          className="btn-ghost btn-sm"
                          onClick={() => onAction({ kind: "failed", payment: p })}
                        >
                          Mark failed
                        </button>
                      </>
                    )}
                    {refundable && (
                      <button
                        type="button"
                        className="btn-secondary btn-sm"
                        onClick={() => onAction({ kind: "refund", payment: p })}
                      >
                        Refund
                      </button>
                    )}
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {more && (
        <div className="border-t border-line p-3 text-center">
          <button type="button" className="btn-ghost btn-sm" onClick={more}>
            Load more
          </button>
        </div>
      )}
    </TableFrame>
  );
}
