import { useState } from "react";
import { api, problemOf } from "../../lib/api";
import { formatDate, formatMoney } from "../../lib/format";
import { toast } from "../../lib/toast";
import type { Course } from "../../lib/types";
import { Icon } from "../ui/Icon";
import { ConfirmDialog } from "../ui/Modal";
import { EmptyState, Resource, SkeletonRows, StatusBadge, useLoad } from "../ui/states";
import { myCourses } from "./data";
import { SubmitForApproval } from "./SubmitChecklist";

export default function InstructorCourses() {
  const courses = useLoad(myCourses);
  const [deleting, setDeleting] = useState<Course | null>(null);
  const [busy, setBusy] = useState(false);

  const replace = (course: Course) =>
    courses.status === "ready" &&
    courses.set(courses.data.map((c) => (c.id === course.id ? { ...c, ...course } : c)));

  async function remove() {
    if (!deleting || courses.status !== "ready") return;
    setBusy(true);
    try {
      await api().delete(`/api/courses/${deleting.id}`);
      courses.set(courses.data.filter((c) => c.id !== deleting.id));
      toast(deleting.enrolledCount > 0 ? "Course archived" : "Course deleted", "success", deleting.title);
      setDeleting(null);
    } catch (error) {
      toast("Could not delete", "error", problemOf(error).detail ?? problemOf(error).title);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="page-title">Courses</h1>
          <p className="mt-1 text-muted">Draft, submit for approval, and keep improving.</p>
        </div>
        <a href="/instructor/courses/new" className="btn-primary">
          <Icon name="plus" className="h-4 w-4" /> New course
        </a>
      </div>
      <Resource
        state={courses.state}
        onRetry={courses.reload}
        skeleton={<SkeletonRows rows={4} className="h-14" />}
      >
        {(list) =>
          list.length === 0 ? (
            <EmptyState
              icon="book"
              title="No courses yet — create your first course"
              action={
                <a href="/instructor/courses/new" className="btn-primary">
                  Create a course
                </a>
              }
            />
          ) : (
            // A table from md up; below, each row is a card (no sideways scroll on a phone).
            <section aria-label="Your courses" className="md:card">
              <table className="block w-full text-left text-sm md:table">
                <thead className="hidden border-b border-line text-xs uppercase tracking-wider text-muted md:table-header-group">
                  <tr>
                    <th className="px-5 py-3 font-semibold">Course</th>
                    <th className="px-5 py-3 font-semibold">Status</th>
                    <th className="px-5 py-3 font-semibold">Price</th>
                    <th className="px-5 py-3 font-semibold">Learners</th>
                    <th className="px-5 py-3 font-semibold">Created</th>
                    <th className="px-5 py-3">
                      <span className="sr-only">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody className="block space-y-3 md:table-row-group md:space-y-0 md:divide-y md:divide-line">
                  {list.map((c) => (
                    <tr
                      key={c.id}
                      data-testid="course-row"
                      className="card grid grid-cols-2 gap-x-4 gap-y-1 p-4 md:table-row md:rounded-none md:border-0 md:bg-transparent md:p-0 md:shadow-none"
                    >
                      <td className="col-span-2 min-w-0 break-words md:px-5 md:py-3">
                        <a href={`/instructor/courses/${c.id}`} className="font-semibold">
                          {c.title}
                        </a>
                        {c.status === "rejected" && c.rejectionReason && (
                          <p className="mt-0.5 text-xs text-danger">Reason: {c.rejectionReason}</p>
                        )}
                      </td>
                      <td className="md:px-5 md:py-3">
                        <StatusBadge status={c.status} />
                      </td>
                      <td className="text-right md:px-5 md:py-3 md:text-left">{formatMoney(c.price)}</td>
                      <td className="tabular-nums text-muted md:px-5 md:py-3 md:text-ink">
                        {c.enrolledCount}
                        <span className="md:sr-only"> enrolled</span>
                      </td>
                      <td className="text-right text-muted md:px-5 md:py-3 md:text-left">
                        <span className="md:sr-only">Created </span>
                        {formatDate(c.createdAt)}
                      </td>
                      <td className="col-span-2 pt-2 md:px-5 md:py-3">
                        <div className="flex justify-end gap-1.5">
                          {(c.status === "draft" || c.status === "rejected") && (
                            <SubmitForApproval course={c} onSubmitted={replace} compact />
                          )}
                          <a href={`/instructor/courses/${c.id}`} className="btn-ghost btn-sm">
                            Edit
                          </a>
                          <button
                            type="button"
                            className="btn-ghost btn-sm text-danger"
                            onClick={() => setDeleting(c)}
                            aria-label={`Delete ${c.title}`}
                          >
                            <Icon name="x" className="h-4 w-4" />
                          </button>
                        </div>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          )
        }
      </Resource>
      <ConfirmDialog
        open={deleting !== null}
        onOpenChange={(o) => !o && setDeleting(null)}
        title={`Delete “${deleting?.title ?? ""}”?`}
        description={
          deleting && deleting.enrolledCount > 0
            ? "It has enrollments, so it is archived: out of the catalog, but enrolled students keep it."
            : "This removes the course and its materials."
        }
        confirmLabel="Delete"
        danger
        busy={busy}
        onConfirm={remove}
      />
    </div>
  );
}
