import { useState } from "react";
import { api, problemOf } from "../../lib/api";
import {
  type ClassAttendance,
  classAttendance,
  classTime,
  clockTime,
  ROLL_CALL,
  type RollCallStatus,
} from "../../lib/classes";
import { toast } from "../../lib/toast";
import { Card, EmptyState, Resource, useLoad } from "../ui/states";
import { TableFrame } from "../ui/TableFrame";
import { AttendanceBadge } from "./StatusPill";

function Roll({ data, onSaved }: { data: ClassAttendance; onSaved: (next: ClassAttendance) => void }) {
  const [marks, setMarks] = useState<Record<string, RollCallStatus>>(() =>
    Object.fromEntries(data.items.map((i) => [i.user.id, i.status ?? "absent"])),
  );
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const changed = data.items.filter((i) => marks[i.user.id] !== (i.status ?? "absent") || !i.rollCall);

  async function save() {
    setBusy(true);
    setProblem(null);
    try {
      const next = await api().post<ClassAttendance>(`/api/live-classes/${data.liveClass.id}/roll-call`, {
        entries: data.items.map((i) => ({ userId: i.user.id, status: marks[i.user.id] })),
      });
      toast("Roll call saved", "success", `${data.liveClass.title}, ${classTime(data.liveClass.startsAt)}`);
      onSaved(next);
    } catch (error) {
      const p = problemOf(error);
      setProblem(p.detail ?? p.title);
    } finally {
      setBusy(false);
    }
  }

  if (data.items.length === 0)
    return (
      <EmptyState icon="users" title="No students enrolled">
        When students enroll in this course, they appear here for the roll call.
      </EmptyState>
    );
  return (
    <Card title="Roll call">
      <p className="mb-4 text-sm text-muted">
        Each student starts from what the join link and the video platform recorded. Change what was wrong and
        save: your marks take precedence, and the record keeps that you made them.
      </p>
      {problem && (
        <p role="alert" className="mb-4 rounded-xl bg-danger-soft p-3 text-sm text-danger">
          {problem}
        </p>
      )}
      <TableFrame label="Students in this class" className="-mx-2">
        <table className="w-full min-w-[40rem] text-left text-sm">
          <thead className="text-xs uppercase tracking-wider text-muted">
            <tr>
              <th className="px-2 py-2 font-semibold">Student</th>
              <th className="px-2 py-2 font-semibold">Joined</th>
              <th className="px-2 py-2 font-semibold">Recorded</th>
              <th className="px-2 py-2 font-semibold">Mark</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-line">
            {data.items.map((i) => (
              <tr key={i.user.id}>
                <td className="px-2 py-3">
                  <p className="font-medium">{i.user.name}</p>
                  <p className="text-xs text-muted">{i.user.email}</p>
                </td>
                <td className="px-2 py-3 text-muted">
                  {i.joinedAt ? clockTime(i.joinedAt) : "Did not join"}
                  {i.minutesPresent !== null && ` · ${i.minutesPresent} min`}
                </td>
                <td className="px-2 py-3">
                  <AttendanceBadge status={i.rollCall ? i.rollCall.status : i.automatic} />
                  {i.rollCall && <span className="ml-2 text-xs text-muted">by roll call</span>}
                </td>
                <td className="px-2 py-3">
                  <label className="sr-only" htmlFor={`mark-${i.user.id}`}>
                    Mark for {i.user.name}
                  </label>
                  <select
                    id={`mark-${i.user.id}`}
                    className="field py-1.5"
                    value={marks[i.user.id]}
                    onChange={(e) =>
                      setMarks((m) => ({ ...m, [i.user.id]: e.target.value as RollCallStatus }))
                    }
                  >
                    {ROLL_CALL.map((s) => (
                      <option key={s.value} value={s.value}>
                        {s.label}
                      </option>
                    ))}
                  </select>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableFrame>
      <div className="mt-5 flex flex-wrap items-center gap-3">
        <button type="button" className="btn-primary" onClick={save} disabled={busy}>
          {busy ? "Saving…" : "Save the roll call"}
        </button>
        <p className="text-sm text-muted" aria-live="polite">
          {changed.length === 0 ? "Everything is recorded." : `${changed.length} not yet confirmed by you.`}
        </p>
      </div>
      {data.guests.length > 0 && (
        <p className="mt-4 text-sm text-muted">
          The platform also saw {data.guests.length} guest{data.guests.length === 1 ? "" : "s"} not enrolled:{" "}
          {data.guests.map((g) => g.name ?? "unnamed").join(", ")}.
        </p>
      )}
    </Card>
  );
}

/** One class's roll call: who joined and for how long, and the instructor's marks. */
export default function RollCall({ classId }: { classId: string }) {
  const state = useLoad(() => classAttendance(classId), [classId]);
  return (
    <Resource state={state.state} onRetry={state.reload}>
      {(data) => (
        <div className="space-y-6">
          <div>
            <a href="/instructor/live" className="text-sm">
              ← All classes
            </a>
            <h1 className="page-title mt-2">{data.liveClass.title}</h1>
            <p className="mt-1 text-muted">
              {classTime(data.liveClass.startsAt)} · {data.liveClass.durationMinutes} min ·{" "}
              {data.items.filter((i) => i.status === "present" || i.status === "late").length} of{" "}
              {data.items.length} attended
            </p>
          </div>
          <Roll key={data.items.map((i) => i.status).join()} data={data} onSaved={state.set} />
        </div>
      )}
    </Resource>
  );
}
