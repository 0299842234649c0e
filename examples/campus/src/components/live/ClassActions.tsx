import { type FormEvent, useState } from "react";
import { api, problemOf } from "../../lib/api";
import { classTime, fromLocalInput, type LiveClass, toLocalInput } from "../../lib/classes";
import { toast } from "../../lib/toast";
import { ConfirmDialog, Modal } from "../ui/Modal";

/** Move one occurrence (start and length) or cancel it; the rest of its series stays as it is. */
export function ClassActions({ liveClass, onChanged }: { liveClass: LiveClass; onChanged: () => void }) {
  const [moving, setMoving] = useState(false);
  const [cancelling, setCancelling] = useState(false);
  const [busy, setBusy] = useState(false);
  const [startsAt, setStartsAt] = useState(() => toLocalInput(liveClass.startsAt));
  const [duration, setDuration] = useState(String(liveClass.durationMinutes));
  const [errors, setErrors] = useState<Record<string, string>>({});

  async function move(event: FormEvent) {
    event.preventDefault();
    const at = fromLocalInput(startsAt);
    if (!at) return setErrors({ startsAt: "Choose the new date and time." });
    setBusy(true);
    setErrors({});
    try {
      await api().patch(`/api/live-classes/${liveClass.id}`, {
        startsAt: at,
        durationMinutes: Number(duration),
      });
      toast("Class moved", "success", `${liveClass.title}, now ${classTime(at)}`);
      setMoving(false);
      onChanged();
    } catch (error) {
      const problem = problemOf(error);
      const found: Record<string, string> = {};
      for (const item of problem.errors ?? []) found[item.path] ??= item.message;
      if (Object.keys(found).length === 0) found.form = problem.detail ?? problem.title;
      setErrors(found);
    } finally {
      setBusy(false);
    }
  }

  async function cancel() {
    setBusy(true);
    try {
      await api().delete(`/api/live-classes/${liveClass.id}`);
      toast("Class cancelled", "success", "Your students see it as cancelled.");
      setCancelling(false);
      onChanged();
    } catch (error) {
      const problem = problemOf(error);
      toast("Could not cancel the class", "error", problem.detail ?? problem.title);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <button type="button" className="btn-ghost btn-sm" onClick={() => setMoving(true)}>
        Move
        <span className="sr-only">
          {" "}
          {liveClass.title}, {classTime(liveClass.startsAt)}
        </span>
      </button>
      <button type="button" className="btn-ghost btn-sm text-danger" onClick={() => setCancelling(true)}>
        Cancel
        <span className="sr-only">
          {" "}
          {liveClass.title}, {classTime(liveClass.startsAt)}
        </span>
      </button>
      <Modal
        open={moving}
        onOpenChange={setMoving}
        title={`Move "${liveClass.title}"`}
        description={`Now ${classTime(liveClass.startsAt)}. Students see the new time, and calendar feeds update.`}
      >
        <form onSubmit={move} noValidate className="space-y-4">
          {errors.form && (
            <p role="alert" className="rounded-xl bg-danger-soft p-3 text-sm text-danger">
              {errors.form}
            </p>
          )}
          <div>
            <label htmlFor={`move-${liveClass.id}-starts`} className="label">
              New start (your time)
            </label>
            <input
              id={`move-${liveClass.id}-starts`}
              type="datetime-local"
              className="field"
              value={startsAt}
              onChange={(e) => setStartsAt(e.target.value)}
              aria-invalid={Boolean(errors.startsAt)}
              aria-describedby={errors.startsAt ? `move-${liveClass.id}-starts-error` : undefined}
            />
            {errors.startsAt && (
              <p id={`move-${liveClass.id}-starts-error`} className="mt-1 text-sm text-danger">
                {errors.startsAt}
              </p>
            )}
          </div>
          <div>
            <label htmlFor={`move-${liveClass.id}-duration`} className="label">
              Length in minutes
            </label>
            <input
              id={`move-${liveClass.id}-duration`}
              type="number"
              min={5}
              max={720}
              step={5}
              className="field"
              value={duration}
              onChange={(e) => setDuration(e.target.value)}
              aria-invalid={Boolean(errors.durationMinutes)}
              aria-describedby={errors.durationMinutes ? `move-${liveClass.id}-duration-error` : undefined}
            />
            {errors.durationMinutes && (
              <p id={`move-${liveClass.id}-duration-error`} className="mt-1 text-sm text-danger">
                {errors.durationMinutes}
              </p>
            )}
          </div>
          <div className="flex justify-end gap-2">
            <button type="button" className="btn-secondary" onClick={() => setMoving(false)}>
              Keep the time
            </button>
            <button type="submit" className="btn-primary" disabled={busy}>
              {busy ? "Moving…" : "Move the class"}
            </button>
          </div>
        </form>
      </Modal>
      <ConfirmDialog
        open={cancelling}
        onOpenChange={setCancelling}
        title={`Cancel "${liveClass.title}"?`}
        description={`${classTime(liveClass.startsAt)}. Only this class is cancelled; the rest of its series stays. Students see it as cancelled.`}
        confirmLabel="Cancel the class"
        danger
        busy={busy}
        onConfirm={cancel}
      />
    </>
  );
}
