import { type FormEvent, useState } from "react";
import { api, problemOf } from "../../lib/api";
import { fromLocalInput, type LiveClass, toLocalInput } from "../../lib/classes";
import { toast } from "../../lib/toast";

/** Problem paths from the schedule route, mapped to this form's fields. */
const FIELD: Record<string, string> = {
  title: "title",
  startsAt: "startsAt",
  durationMinutes: "durationMinutes",
  provider: "provider",
  recurrence: "repeat",
  "recurrence.count": "repeat",
  "recurrence.until": "repeat",
};

/** Schedule one class or a weekly series, on one of the installed video platforms. */
export function ScheduleForm({
  courseId,
  providers,
  onScheduled,
}: {
  courseId: string;
  providers: { id: string; name: string }[];
  onScheduled: () => void;
}) {
  const tomorrow = new Date(Date.now() + 24 * 3_600_000);
  tomorrow.setMinutes(0, 0, 0);
  const [form, setForm] = useState({
    title: "",
    startsAt: toLocalInput(tomorrow),
    durationMinutes: "60",
    provider: providers[0]?.id ?? "",
    weekly: false,
    count: "8",
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<typeof form>) => setForm((f) => ({ ...f, ...patch }));

  async function submit(event: FormEvent) {
    event.preventDefault();
    const startsAt = fromLocalInput(form.startsAt);
    if (!startsAt) return setErrors({ startsAt: "Choose the date and time the class starts." });
    setBusy(true);
    setErrors({});
    try {
      const created = await api().post<LiveClass & { occurrences: number }>(
        `/api/courses/${courseId}/live-classes`,
        {
          title: form.title,
          startsAt,
          durationMinutes: Number(form.durationMinutes),
          provider: form.provider,
          ...(form.weekly ? { recurrence: { weekly: true, count: Number(form.count) } } : {}),
        },
      );
      toast(
        created.occurrences > 1 ? `${created.occurrences} weekly classes scheduled` : "Class scheduled",
        "success",
        created.title,
      );
      set({ title: "" });
      onScheduled();
    } catch (error) {
      const problem = problemOf(error);
      const found: Record<string, string> = {};
      for (const item of problem.errors ?? []) found[FIELD[item.path] ?? "form"] ??= item.message;
      if (Object.keys(found).length === 0) found.form = problem.detail ?? problem.title;
      setErrors(found);
    } finally {
      setBusy(false);
    }
  }

  const error = (key: string) =>
    errors[key] ? (
      <p id={`schedule-${key}-error`} className="mt-1 text-sm text-danger">
        {errors[key]}
      </p>
    ) : null;
  const described = (key: string) => (errors[key] ? `schedule-${key}-error` : undefined);

  return (
    <form onSubmit={submit} noValidate className="space-y-4" aria-label="Schedule a live class">
      {errors.form && (
        <p role="alert" className="rounded-xl bg-danger-soft p-3 text-sm text-danger">
          {errors.form}
        </p>
      )}
      <div>
        <label htmlFor="schedule-title" className="label">
          Title
        </label>
        <input
          id="schedule-title"
          className="field"
          value={form.title}
          placeholder="Office hours"
          onChange={(e) => set({ title: e.target.value })}
          aria-invalid={Boolean(errors.title)}
          aria-describedby={described("title")}
        />
        {error("title")}
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        <div>
          <label htmlFor="schedule-starts" className="label">
            Starts at (your time)
          </label>
          <input
            id="schedule-starts"
            type="datetime-local"
            className="field"
            value={form.startsAt}
            onChange={(e) => set({ startsAt: e.target.value })}
            aria-invalid={Boolean(errors.startsAt)}
            aria-describedby={described("startsAt")}
          />
          {error("startsAt")}
        </div>
        <div>
          <label htmlFor="schedule-duration" className="label">
            Length in minutes
          </label>
          <input
            id="schedule-duration"
            type="number"
            min={5}
            max={720}
            step={5}
            className="field"
            value={form.durationMinutes}
            onChange={(e) => set({ durationMinutes: e.target.value })}
            aria-invalid={Boolean(errors.durationMinutes)}
            aria-describedby={described("durationMinutes")}
          />
          {error("durationMinutes")}
        </div>
      </div>
      <div>
        <label htmlFor="schedule-provider" className="label">
          Video platform
        </label>
        <select
          id="schedule-provider"
          className="field"
          value={form.provider}
          onChange={(e) => set({ provider: e.target.value })}
          aria-invalid={Boolean(errors.provider)}
          aria-describedby={described("provider")}
        >
          {providers.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
        {error("provider")}
      </div>
      <fieldset className="rounded-xl border border-line p-4">
        <legend className="px-1 text-sm font-medium">Repeat</legend>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" checked={form.weekly} onChange={(e) => set({ weekly: e.target.checked })} />
          Every week at the same local time
        </label>
        {form.weekly && (
          <div className="mt-3 max-w-48">
            <label htmlFor="schedule-count" className="label">
              Number of classes
            </label>
            <input
              id="schedule-count"
              type="number"
              min={2}
              max={200}
              className="field"
              value={form.count}
              onChange={(e) => set({ count: e.target.value })}
              aria-invalid={Boolean(errors.repeat)}
              aria-describedby={described("repeat")}
            />
          </div>
        )}
        {error("repeat")}
      </fieldset>
      <button type="submit" className="btn-primary" disabled={busy}>
        {busy ? "Scheduling…" : form.weekly ? "Schedule the series" : "Schedule the class"}
      </button>
    </form>
  );
}
