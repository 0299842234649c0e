import * as Dialog from "@radix-ui/react-dialog";
import { type FormEvent, useId, useState } from "react";
import { api, problemOf } from "../../lib/api";
import { formatMoney } from "../../lib/format";
import { type Payment, parseAmount } from "../../lib/payments";
import { toast } from "../../lib/toast";
import { Modal } from "../ui/Modal";
import { Spinner } from "../ui/Spinner";

const errorText = (id: string, message?: string) =>
  message ? (
    <p id={id} className="mt-1.5 text-sm text-danger">
      {message}
    </p>
  ) : null;

/** Settles an offline payment (or one needing review) by hand, with the note the record keeps. */
export function MarkDialog({
  payment,
  outcome,
  locale,
  onClose,
  onDone,
}: {
  payment: Payment;
  outcome: "completed" | "failed";
  locale: string;
  onClose: () => void;
  onDone: (updated: Payment) => void;
}) {
  const ids = useId();
  const [note, setNote] = useState("");
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<{ note?: string; form?: string }>({});
  const paid = outcome === "completed";

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!note.trim()) {
      setErrors({ note: "Say what you checked: the note is kept with the payment." });
      return;
    }
    setBusy(true);
    setErrors({});
    try {
      const updated = await api().post<Payment>(`/api/admin/payments/${payment.id}/mark`, {
        status: outcome,
        note: note.trim(),
      });
      toast(
        paid ? "Marked as paid" : "Marked as failed",
        "success",
        paid ? "The student is enrolled." : undefined,
      );
      onDone(updated);
    } catch (error) {
      const problem = problemOf(error);
      const noteError = problem.errors?.find((e) => e.path === "note")?.message;
      setErrors(noteError ? { note: noteError } : { form: problem.detail ?? problem.title });
      setBusy(false);
    }
  }

  return (
    <Modal
      open
      onOpenChange={(open) => !open && onClose()}
      title={paid ? "Mark as paid" : "Mark as failed"}
      description={`${payment.course?.title ?? "Course"} · ${formatMoney(payment.total, locale)} · reference ${payment.gatewayRef ?? "—"}`}
    >
      <form onSubmit={submit} className="space-y-4" noValidate>
        {errors.form && (
          <p role="alert" className="rounded-xl bg-danger-soft p-3 text-sm text-danger">
            {errors.form}
          </p>
        )}
        <div>
          <label htmlFor={`${ids}-note`} className="label">
            Note
          </label>
          <textarea
            id={`${ids}-note`}
            className="field min-h-24"
            value={note}
            onChange={(e) => setNote(e.target.value)}
            placeholder={
              paid ? "Transfer received on 3 March, statement line 42." : "No transfer after 30 days."
            }
            aria-invalid={Boolean(errors.note)}
            aria-describedby={errors.note ? `${ids}-note-error` : undefined}
          />
          {errorText(`${ids}-note-error`, errors.note)}
        </div>
        <p className="text-sm text-muted">
          {paid
            ? "The student is enrolled at once and receives a receipt."
            : "The student is told the payment did not go through."}
        </p>
        <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
          <Dialog.Close className="btn-secondary">Cancel</Dialog.Close>
          <button type="submit" className={paid ? "btn-primary" : "btn-danger"} disabled={busy}>
            {busy && <Spinner />} {paid ? "Mark as paid" : "Mark as failed"}
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** Gives money back through the gateway after asking; the amount is optional (default: the rest). */
export function RefundDialog({
  payment,
  locale,
  onClose,
  onDone,
}: {
  payment: Payment;
  locale: string;
  onClose: () => void;
  onDone: (updated: Payment) => void;
}) {
  const ids = useId();
  const [amount, setAmount] = useState("");
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<{ amount?: string; form?: string }>({});
  const { currency } = payment.total;
  const rest = { amount: payment.total.amount - payment.amountRefunded.amount, currency };

  async function submit(event: FormEvent) {
    event.preventDefault();
    let body: { amount?: { amount: number; currency: string } } = {};
    if (amount.trim()) {
      const parsed = parseAmount(amount, currency);
      if ("error" in parsed) return setErrors({ amount: parsed.error });
      if (parsed.minor > rest.amount)
        return setErrors({ amount: `At most ${formatMoney(rest, locale)} is left to refund.` });
      body = { amount: { amount: parsed.minor, currency } };
    }
    setBusy(true);
    setErrors({});
    try {
      const updated = await api().post<Payment>(`/api/admin/payments/${payment.id}/refund`, body);
      toast(
        "Refund sent",
        "success",
        updated.status === "refunded" ? "The whole payment went back to the student." : undefined,
      );
      onDone(updated);
    } catch (error) {
      const problem = problemOf(error);
      const amountError = problem.errors?.find((e) => e.path.startsWith("amount"))?.message;
      setErrors(amountError ? { amount: amountError } : { form: problem.detail ?? problem.title });
      setBusy(false);
    }
  }

  return (
    <Modal
      open
      onOpenChange={(open) => !open && onClose()}
      title="Refund this payment?"
      description={`${payment.course?.title ?? "Course"} · paid ${formatMoney(payment.total, locale)}${payment.amountRefunded.amount > 0 ? `, ${formatMoney(payment.amountRefunded, locale)} refunded already` : ""}`}
    >
      <form onSubmit={submit} className="space-y-4" noValidate>
        {errors.form && (
          <p role="alert" className="rounded-xl bg-danger-soft p-3 text-sm text-danger">
            {errors.form}
          </p>
        )}
        <div>
          <label htmlFor={`${ids}-amount`} className="label">
            Amount in {currency} <span className="font-normal text-muted">(optional)</span>
          </label>
          <input
            id={`${ids}-amount`}
            className="field"
            inputMode="decimal"
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
            placeholder={`Everything left: ${formatMoney(rest, locale)}`}
            aria-invalid={Boolean(errors.amount)}
            aria-describedby={errors.amount ? `${ids}-amount-error` : `${ids}-amount-hint`}
          />
          {errors.amount ? (
            errorText(`${ids}-amount-error`, errors.amount)
          ) : (
            <p id={`${ids}-amount-hint`} className="mt-1.5 text-sm text-muted">
              Leave it empty to refund everything left. A full refund ends the student's access to the course.
            </p>
          )}
        </div>
        <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
          <Dialog.Close className="btn-secondary">Cancel</Dialog.Close>
          <button type="submit" className="btn-danger" disabled={busy}>
            {busy && <Spinner />} Refund
          </button>
        </div>
      </form>
    </Modal>
  );
}
