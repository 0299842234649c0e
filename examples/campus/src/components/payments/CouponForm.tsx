import * as Dialog from "@radix-ui/react-dialog";
import { type FormEvent, useState } from "react";
import { api, problemOf } from "../../lib/api";
import { type Coupon, parseAmount } from "../../lib/payments";
import { toast } from "../../lib/toast";
import { Modal } from "../ui/Modal";
import { Spinner } from "../ui/Spinner";

export interface CourseOption {
  id: string;
  title: string;
  price: { amount: number; currency: string } | null;
}

type Field = "code" | "value" | "currency" | "courseId" | "expiresAt" | "maxRedemptions" | "form";

/** Which field a server's `errors[].path` concerns. */
const FIELD_OF: Record<string, Field> = {
  code: "code",
  percentOff: "value",
  amountOff: "value",
  "amountOff.amount": "value",
  "amountOff.currency": "currency",
  courseId: "courseId",
  expiresAt: "expiresAt",
  maxRedemptions: "maxRedemptions",
};

/** A new coupon: a code, a percentage or an amount off, for one course or all, with limits. */
export function CouponForm({
  courses,
  onClose,
  onCreated,
}: {
  courses: CourseOption[];
  onClose: () => void;
  onCreated: (coupon: Coupon) => void;
}) {
  const [code, setCode] = useState("");
  const [kind, setKind] = useState<"percent" | "amount">("percent");
  const [value, setValue] = useState("");
  const [currency, setCurrency] = useState("USD");
  const [courseId, setCourseId] = useState("");
  const [expiresAt, setExpiresAt] = useState("");
  const [maxRedemptions, setMaxRedemptions] = useState("");
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});

  function body(): Record<string, unknown> | Partial<Record<Field, string>> {
    const found: Partial<Record<Field, string>> = {};
    const out: Record<string, unknown> = { code: code.trim() };
    if (!/^[A-Za-z0-9_-]{3,40}$/.test(code.trim()))
      found.code = "Use 3 to 40 letters, digits, dashes or underscores.";
    if (kind === "percent") {
      const percent = Number(value);
      if (!/^\d+$/.test(value.trim()) || percent < 1 || percent > 100)
        found.value = "Give a whole percentage from 1 to 100.";
      else out.percentOff = percent;
    } else {
      const upper = currency.trim().toUpperCase();
      if (!/^[A-Z]{3}$/.test(upper)) found.currency = "A three-letter currency code, such as USD.";
      const parsed = parseAmount(value, upper || "USD");
      if ("error" in parsed) found.value = parsed.error;
      else out.amountOff = { amount: parsed.minor, currency: upper };
    }
    if (courseId) out.courseId = courseId;
    if (expiresAt) {
      // The end of the chosen day, in the admin's own time zone.
      const end = new Date(`${expiresAt}T23:59:59`);
      if (end.getTime() <= Date.now()) found.expiresAt = "Choose a day from today on.";
      else out.expiresAt = end.toISOString();
    }
    if (maxRedemptions.trim()) {
      const max = Number(maxRedemptions);
      if (!/^\d+$/.test(maxRedemptions.trim()) || max < 1)
        found.maxRedemptions = "A whole number of uses, at least 1.";
      else out.maxRedemptions = max;
    }
    return Object.keys(found).length ? { errors: found } : out;
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const built = body();
    if ("errors" in built) return setErrors(built.errors as Partial<Record<Field, string>>);
    setBusy(true);
    setErrors({});
    try {
      const created = await api().post<Coupon>("/api/admin/coupons", built);
      toast("Coupon created", "success", `Students can use ${created.code} at checkout.`);
      onCreated(created);
    } catch (error) {
      const problem = problemOf(error);
      const found: Partial<Record<Field, string>> = {};
      for (const item of problem.errors ?? []) found[FIELD_OF[item.path] ?? "form"] ??= item.message;
      if (Object.keys(found).length === 0) found.form = problem.detail ?? problem.title;
      setErrors(found);
      setBusy(false);
    }
  }

  const field = (id: Field, label: string, input: React.ReactNode, hint?: string) => (
    <div>
      <label htmlFor={`coupon-${id}`} className="label">
        {label}
      </label>
      {input}
      {errors[id] ? (
        <p id={`coupon-${id}-error`} className="mt-1.5 text-sm text-danger">
          {errors[id]}
        </p>
      ) : (
        hint && <p className="mt-1.5 text-sm text-muted">{hint}</p>
      )}
    </div>
  );
  const aria = (id: Field) => ({
    id: `coupon-${id}`,
    "aria-invalid": Boolean(errors[id]),
    "aria-describedby": errors[id] ? `coupon-${id}-error` : undefined,
  });

  return (
    <Modal open onOpenChange={(open) => !open && onClose()} title="New coupon" wide>
      <form onSubmit={submit} className="grid gap-4 sm:grid-cols-2" noValidate>
        {errors.form && (
          <p role="alert" className="rounded-xl bg-danger-soft p-3 text-sm text-danger sm:col-span-2">
            {errors.form}
          </p>
        )}
        {field(
          "code",
          "Code",
          <input
            {...aria("code")}
            className="field uppercase"
            value={code}
            onChange={(e) => setCode(e.target.value)}
          />,
          "What students type at checkout.",
        )}
        <fieldset>
          <legend className="label">Discount</legend>
          <div className="mt-2 flex gap-4 text-sm">
            <label className="flex items-center gap-2">
              <input
                type="radio"
                name="coupon-kind"
                checked={kind === "percent"}
                onChange={() => setKind("percent")}
              />
              Percentage
            </label>
            <label className="flex items-center gap-2">
              <input
                type="radio"
                name="coupon-kind"
                checked={kind === "amount"}
                onChange={() => setKind("amount")}
              />
              Fixed amount
            </label>
          </div>
        </fieldset>
        {field(
          "value",
          kind === "percent" ? "Percent off" : "Amount off",
          <input
            {...aria("value")}
            className="field"
            inputMode="decimal"
            value={value}
            onChange={(e) => setValue(e.target.value)}
          />,
          kind === "percent" ? "100 makes the course free." : undefined,
        )}
        {kind === "amount" &&
          field(
            "currency",
            "Currency",
            <input
              {...aria("currency")}
              className="field uppercase"
              maxLength={3}
              value={currency}
              onChange={(e) => setCurrency(e.target.value)}
            />,
          )}
        {field(
          "courseId",
          "Course",
          <select
            {...aria("courseId")}
            className="field"
            value={courseId}
            onChange={(e) => setCourseId(e.target.value)}
          >
            <option value="">Every paid course</option>
            {courses.map((c) => (
              <option key={c.id} value={c.id}>
                {c.title}
              </option>
            ))}
          </select>,
        )}
        {field(
          "expiresAt",
          "Last day (optional)",
          <input
            {...aria("expiresAt")}
            type="date"
            className="field"
            value={expiresAt}
            onChange={(e) => setExpiresAt(e.target.value)}
          />,
        )}
        {field(
          "maxRedemptions",
          "Uses at most (optional)",
          <input
            {...aria("maxRedemptions")}
            className="field"
            inputMode="numeric"
            value={maxRedemptions}
            onChange={(e) => setMaxRedemptions(e.target.value)}
          />,
        )}
        <div className="flex flex-col-reverse gap-2 sm:col-span-2 sm:flex-row sm:justify-end">
          <Dialog.Close className="btn-secondary">Cancel</Dialog.Close>
          <button type="submit" className="btn-primary" disabled={busy}>
            {busy && <Spinner />} Create coupon
          </button>
        </div>
      </form>
    </Modal>
  );
}
