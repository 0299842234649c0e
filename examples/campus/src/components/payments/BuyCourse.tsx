import { type FormEvent, useId, useRef, useState } from "react";
import { api, problemOf } from "../../lib/api";
import { formatMoney } from "../../lib/format";
import { useHydrated } from "../../lib/hooks";
import { type Gateway, idempotencyKeys } from "../../lib/payments";
import { toast } from "../../lib/toast";
import type { Money } from "../../lib/types";
import { Icon } from "../ui/Icon";
import { Modal } from "../ui/Modal";
import { Spinner } from "../ui/Spinner";

const COUPON = /^[A-Za-z0-9_-]{3,40}$/;

interface Errors {
  gateway?: string;
  couponCode?: string;
  form?: string;
}

/** "Buy": a dialog to choose how to pay and enter a coupon, then on to the gateway. */
export default function BuyCourse({
  courseId,
  title,
  price,
  locale,
  gateways,
}: {
  courseId: string;
  title: string;
  price: Money;
  locale: string;
  gateways: Gateway[];
}) {
  const ids = useId();
  const [open, setOpen] = useState(false);
  const [gateway, setGateway] = useState(gateways[0]?.id ?? "");
  const [coupon, setCoupon] = useState("");
  const [busy, setBusy] = useState(false);
  const ready = useHydrated();
  const [errors, setErrors] = useState<Errors>({});
  const keyFor = useRef(idempotencyKeys()).current;
  const couponRef = useRef<HTMLInputElement>(null);
  const amount = formatMoney(price, locale);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const code = coupon.trim();
    if (code && !COUPON.test(code)) {
      setErrors({ couponCode: "A coupon code has 3 to 40 letters, digits, dashes or underscores." });
      couponRef.current?.focus();
      return;
    }
    const body = { courseId, gateway, ...(code ? { couponCode: code } : {}) };
    setBusy(true);
    setErrors({});
    try {
      const result = await api().post<{ paymentId: string; redirectUrl: string | null }>(
        "/api/payments/checkout",
        body,
        { headers: { "Idempotency-Key": keyFor(body) } },
      );
      if (result.redirectUrl === null) {
        // A coupon covered the whole price: the enrollment exists already.
        toast("You are enrolled", "success", "Your coupon covered the whole price.");
        window.location.assign(`/student/courses/${courseId}`);
        return;
      }
      window.location.assign(result.redirectUrl);
    } catch (error) {
      const problem = problemOf(error);
      const found: Errors = {};
      for (const item of problem.errors ?? []) {
        if (item.path === "couponCode" || item.path === "gateway") found[item.path] = item.message;
      }
      if (problem.type.endsWith("coupon-used-up")) found.couponCode = problem.detail ?? problem.title;
      if (!found.couponCode && !found.gateway) found.form = problem.detail ?? problem.title;
      setErrors(found);
      if (found.couponCode) couponRef.current?.focus();
      setBusy(false);
    }
  }

  const manual = gateway === "manual";
  return (
    <>
      <button
        type="button"
        className="btn-primary w-full py-3"
        onClick={() => setOpen(true)}
        disabled={gateways.length === 0 || !ready}
      >
        Buy
      </button>
      {gateways.length === 0 && (
        <p className="mt-2 text-sm text-muted">This campus does not take payments yet.</p>
      )}
      <Modal
        open={open}
        onOpenChange={(next) => {
          setOpen(next);
          if (!next) setErrors({});
        }}
        title={`Buy "${title}"`}
        description={`${amount}, once. You keep access for as long as the course runs.`}
      >
        <form onSubmit={submit} className="space-y-5" noValidate>
          {errors.form && (
            <p role="alert" className="rounded-xl bg-danger-soft p-3 text-sm text-danger">
              {errors.form}
            </p>
          )}
          <fieldset aria-describedby={errors.gateway ? `${ids}-gateway-error` : undefined}>
            <legend className="label">How would you like to pay?</legend>
            <div className="mt-2 space-y-2">
              {gateways.map((g) => (
                <label
                  key={g.id}
                  className={`flex cursor-pointer items-center gap-3 rounded-xl border px-4 py-3 text-sm transition ${gateway === g.id ? "border-primary bg-primary-soft" : "border-line hover:bg-surface-2"}`}
                >
                  <input
                    type="radio"
                    name={`${ids}-gateway`}
                    value={g.id}
                    checked={gateway === g.id}
                    onChange={() => setGateway(g.id)}
                  />
                  <span className="font-medium">{g.name}</span>
                </label>
              ))}
            </div>
            {errors.gateway && (
              <p id={`${ids}-gateway-error`} className="mt-1.5 text-sm text-danger">
                {errors.gateway}
              </p>
            )}
          </fieldset>
          <div>
            <label htmlFor={`${ids}-coupon`} className="label">
              Coupon code <span className="font-normal text-muted">(optional)</span>
            </label>
            <input
              ref={couponRef}
              id={`${ids}-coupon`}
              className="field uppercase"
              autoComplete="off"
              value={coupon}
              onChange={(e) => {
                setCoupon(e.target.value);
                // An error about the code that was there is no longer true of the one being typed.
                if (errors.couponCode) setErrors(({ couponCode: _, ...rest }) => rest);
              }}
              aria-invalid={Boolean(errors.couponCode)}
              aria-describedby={errors.couponCode ? `${ids}-coupon-error` : undefined}
            />
            {errors.couponCode && (
              <p
                id={`${ids}-coupon-error`}
                className="mt-1.5 flex items-center gap-1.5 text-sm text-danger"
                data-testid="coupon-error"
              >
                <Icon name="alert" className="h-4 w-4" />
                {errors.couponCode}
              </p>
            )}
          </div>
          <p className="text-sm text-muted">
            {manual
              ? "You will get the payment instructions and a reference to quote. Your enrollment starts once the payment office confirms it."
              : `You will continue on the payment provider's secure page${coupon.trim() ? ", which shows the price after your coupon," : ""} and come back here afterwards.`}
          </p>
          <button type="submit" className="btn-primary w-full" disabled={busy || !gateway}>
            {busy && <Spinner />}{" "}
            {manual
              ? "Get payment instructions"
              : coupon.trim()
                ? "Continue to payment"
                : `Continue to pay ${amount}`}
          </button>
        </form>
      </Modal>
    </>
  );
}
