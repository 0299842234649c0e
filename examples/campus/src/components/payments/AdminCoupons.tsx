import { useState } from "react";
import { api, problemOf } from "../../lib/api";
import { formatDate, formatMoney } from "../../lib/format";
import { type Coupon, loadGateways } from "../../lib/payments";
import { toast } from "../../lib/toast";
import type { Page } from "../../lib/types";
import { Icon } from "../ui/Icon";
import { ConfirmDialog } from "../ui/Modal";
import { Badge, EmptyState, Resource, SkeletonRows, useLoad } from "../ui/states";
import { TableFrame } from "../ui/TableFrame";
import { CouponForm, type CourseOption } from "./CouponForm";

async function loadAll() {
  const [coupons, courses, gateways] = await Promise.all([
    api().get<Page<Coupon>>("/api/admin/coupons"),
    api().get<Page<CourseOption>>("/api/admin/courses", { query: { limit: 100 } }),
    loadGateways(),
  ]);
  return { coupons: coupons.items, courses: courses.items.filter((c) => c.price), locale: gateways.locale };
}

function stateOf(coupon: Coupon): { label: string; tone: "success" | "neutral" | "warning" } {
  if (!coupon.active) return { label: "Expired by hand", tone: "neutral" };
  if (coupon.expiresAt && Date.parse(coupon.expiresAt) <= Date.now())
    return { label: "Expired", tone: "neutral" };
  if (coupon.maxRedemptions !== null && coupon.redemptions >= coupon.maxRedemptions)
    return { label: "Used up", tone: "warning" };
  return { label: "Active", tone: "success" };
}

/** Coupons: create, list with their uses, expire at once. */
export default function AdminCoupons() {
  const data = useLoad(loadAll);
  const [creating, setCreating] = useState(false);
  const [expiring, setExpiring] = useState<Coupon | null>(null);
  const [busy, setBusy] = useState(false);

  async function expire(coupon: Coupon) {
    setBusy(true);
    try {
      await api().delete(`/api/admin/coupons/${coupon.id}`);
      toast("Coupon expired", "success", `${coupon.code} can no longer be used.`);
      setExpiring(null);
      void data.reload();
    } catch (error) {
      const problem = problemOf(error);
      toast(problem.title, "error", problem.detail);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Resource state={data.state} onRetry={data.reload} skeleton={<SkeletonRows rows={4} className="h-12" />}>
      {({ coupons, courses, locale }) => (
        <div className="space-y-5">
          <div className="flex justify-end">
            <button type="button" className="btn-primary" onClick={() => setCreating(true)}>
              <Icon name="plus" className="h-4 w-4" /> New coupon
            </button>
          </div>
          {coupons.length === 0 ? (
            <EmptyState icon="inbox" title="No coupons yet">
              Create a code for a discount on one course or on every paid course.
            </EmptyState>
          ) : (
            <TableFrame label="Coupons" className="card">
              <table className="w-full min-w-[44rem] text-left text-sm">
                <thead className="border-b border-line text-xs uppercase tracking-wider text-muted">
                  <tr>
                    <th className="px-4 py-3 font-semibold">Code</th>
                    <th className="px-4 py-3 font-semibold">Discount</th>
                    <th className="px-4 py-3 font-semibold">Course</th>
                    <th className="px-4 py-3 font-semibold">Last day</th>
                    <th className="px-4 py-3 font-semibold">Used</th>
                    <th className="px-4 py-3 font-semibold">State</th>
                    <th className="px-4 py-3 font-semibold">
                      <span className="sr-only">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-line">
                  {coupons.map((c) => {
                    const state = stateOf(c);
                    return (
                      <tr key={c.id} data-testid="coupon-row">
                        <td className="px-4 py-3 font-mono font-semibold">{c.code}</td>
                        <td className="px-4 py-3">
                          {c.percentOff !== null
                            ? `${c.percentOff}% off`
                            : `${formatMoney(c.amountOff, locale)} off`}
                        </td>
                        <td className="px-4 py-3">
                          {c.courseId
                            ? (courses.find((x) => x.id === c.courseId)?.title ?? "One course")
                            : "Every paid course"}
                        </td>
                        <td className="px-4 py-3 text-muted">
                          {c.expiresAt ? formatDate(c.expiresAt, locale) : "No limit"}
                        </td>
                        <td className="px-4 py-3 tabular-nums">
                          {c.redemptions}
                          {c.maxRedemptions !== null ? ` of ${c.maxRedemptions}` : ""}
                        </td>
                        <td className="px-4 py-3">
                          <Badge tone={state.tone}>{state.label}</Badge>
                        </td>
                        <td className="px-4 py-3 text-right">
                          {state.label === "Active" && (
                            <button type="button" className="btn-ghost btn-sm" onClick={() => setExpiring(c)}>
                              Expire
                            </button>
                          )}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </TableFrame>
          )}
          {creating && (
            <CouponForm
              courses={courses}
              onClose={() => setCreating(false)}
              onCreated={() => {
                setCreating(false);
                void data.reload();
              }}
            />
          )}
          <ConfirmDialog
            open={expiring !== null}
            onOpenChange={(open) => !open && setExpiring(null)}
            title={`Expire ${expiring?.code ?? "this coupon"}?`}
            description="Students can no longer use it. Payments that used it keep their discount."
            confirmLabel="Expire coupon"
            danger
            busy={busy}
            onConfirm={() => expiring && void expire(expiring)}
          />
        </div>
      )}
    </Resource>
  );
}
