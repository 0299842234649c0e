import { useState } from "react";
import { api, problemOf } from "../../lib/api";
import { formatDate, formatMoney, LEVEL_LABEL } from "../../lib/format";
import { allPages } from "../../lib/pages";
import { toast } from "../../lib/toast";
import type { Course } from "../../lib/types";
import { Icon } from "../ui/Icon";
import { Modal } from "../ui/Modal";
import { Spinner } from "../ui/Spinner";
import { EmptyState, Resource, useLoad } from "../ui/states";

export default function Approvals() {
  const pending = useLoad(() => allPages<Course>("/api/admin/courses", { status: "pending" }));
  const [busy, setBusy] = useState<string | null>(null);
  const [rejecting, setRejecting] = useState<Course | null>(null);
  const [reason, setReason] = useState("");
  const [reasonError, setReasonError] = useState<string | null>(null);

  const remove = (id: string) =>
    pending.status === "ready" && pending.set(pending.data.filter((c) => c.id !== id));

  async function approve(course: Course) {
    setBusy(course.id);
    try {
      await api().post(`/api/admin/courses/${course.id}/approve`);
      toast("Course published", "success", course.title);
      remove(course.id);
    } catch (error) {
      toast("Could not approve", "error", problemOf(error).detail ?? problemOf(error).title);
    } finally {
      setBusy(null);
    }
  }

  async function reject() {
    if (!rejecting) return;
    if (reason.trim().length === 0) {
      setReasonError("Tell the instructor what to change.");
      return;
    }
    setBusy(rejecting.id);
    try {
      await api().post(`/api/admin/courses/${rejecting.id}/reject`, { reason: reason.trim() });
      toast("Course sent back", "success", rejecting.title);
      remove(rejecting.id);
      setRejecting(null);
    } catch (error) {
      setReasonError(problemOf(error).detail ?? problemOf(error).title);
    } finally {
      setBusy(null);
    }
  }

  return (
    <>
      <Resource state={pending.state} onRetry={pending.reload}>
        {(list) =>
          list.length === 0 ? (
            <EmptyState icon="check" title="Nothing to review">
              When an instructor submits a course, it waits here for your decision.
            </EmptyState>
          ) : (
            <ul className="space-y-4">
              {list.map((course) => (
                <li
                  key={course.id}
                  className="card flex flex-col gap-4 p-5 md:flex-row md:items-center"
                  data-testid="approval"
                >
                  <div className="min-w-0 flex-1">
                    <div className="flex flex-wrap items-center gap-2 text-xs text-muted">
                      <span className="badge bg-warning-soft text-warning">Pending</span>
                      <span>{LEVEL_LABEL[course.level]}</span>·<span>{formatMoney(course.price)}</span>·
                      <span>submitted {formatDate(course.updatedAt ?? course.createdAt)}</span>
                    </div>
                    <h2 className="mt-1.5 text-lg font-semibold">{course.title}</h2>
                    <p className="text-sm text-muted">by {course.instructor.name}</p>
                    {course.summary && <p className="mt-2 line-clamp-2 text-sm">{course.summary}</p>}
                  </div>
                  <div className="flex shrink-0 flex-wrap gap-2">
                    <a
                      href={`/courses/${course.id}`}
                      className="btn-ghost btn-sm"
                      target="_blank"
                      rel="noreferrer"
                    >
                      Preview
                    </a>
                    <button
                      type="button"
                      className="btn-secondary btn-sm"
                      onClick={() => {
                        setRejecting(course);
                        setReason("");
                        setReasonError(null);
                      }}
                    >
                      Reject…
                    </button>
                    <button
                      type="button"
                      className="btn-primary btn-sm"
                      disabled={busy === course.id}
                      onClick={() => approve(course)}
                    >
                      {busy === course.id ? <Spinner /> : <Icon name="check" className="h-4 w-4" />} Approve
                    </button>
                  </div>
                </li>
              ))}
            </ul>
          )
        }
      </Resource>
      <Modal
        open={rejecting !== null}
        onOpenChange={(open) => !open && setRejecting(null)}
        title="Reject this course?"
        description={
          rejecting
            ? `“${rejecting.title}” goes back to ${rejecting.instructor.name} with your reason.`
            : undefined
        }
      >
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void reject();
          }}
        >
          <label htmlFor="reject-reason" className="label">
            Reason
          </label>
          <textarea
            id="reject-reason"
            className="field min-h-28"
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            aria-invalid={Boolean(reasonError)}
            aria-describedby={reasonError ? "reject-reason-error" : undefined}
          />
          {reasonError && (
            <p id="reject-reason-error" role="alert" className="mt-1.5 text-sm text-danger">
              {reasonError}
            </p>
          )}
          <div className="mt-5 flex justify-end gap-2">
            <button type="button" className="btn-secondary" onClick={() => setRejecting(null)}>
              Cancel
            </button>
            <button type="submit" className="btn-danger" disabled={busy !== null}>
              Reject course
            </button>
          </div>
        </form>
      </Modal>
    </>
  );
}
