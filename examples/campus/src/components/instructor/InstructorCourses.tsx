import { useState } from "react";
import { api, problemOf } from "../../lib/api";
import { formatDate, formatMoney } from "../../lib/format";
import { toast } from "../../lib/toast";
import type { Course } from "../../lib/types";
import { Icon } from "../ui/Icon";
import { ConfirmDialog } from "../ui/Modal";
import { EmptyState, Resource, SkeletonRows, StatusBadge, useLoad } from "../ui/states";
import { TableFrame } from "../ui/TableFrame";
import { myCourses } from "./data";

export default function InstructorCourses() {
  const courses = useLoad(myCourses);
  const [deleting, setDeleting] = useState<Course | null>(null);
  const [busy, setBusy] = useState(false);

  const replace = (course: Course) =>
    courses.status === "ready" &&
    courses.set(courses.data.map((c) => (c.id === course.id ? { ...c, ...course } : c)));

  async function submit(course: Course) {
    try {
      replace(await api().post<Course>(`/api/courses/${course.id}/submit`));
      toast("Submitted for approval", "success", "An administrator will review it.");
    } catch (error) {
      toast("Could not submit", "error", problemOf(error).detail ?? problemOf(error).title);
    }
  }

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
            <TableFrame label="Your courses" className="card">
              <table className="w-full min-w-[44rem] text-left text-sm">
                <thead className="border-b border-line text-xs uppercase tracking-wider text-muted">
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
                <tbody className="divide-y divide-line">
                  {list.map((c) => (
                    <tr key={c.id} data-testid="course-row">
                      <td className="px-5 py-3">
                        <a href={`/instructor/courses/${c.id}`} className="font-semibold">
                          {c.title}
                        </a>
                        {c.status === "rejected" && c.rejectionReason && (
                          <p className="mt-0.5 text-xs text-danger">Reason: {c.rejectionReason}</p>
                        )}
                      </td>
                      <td className="px-5 py-3">
                        <StatusBadge status={c.status} />
                      </td>
                      <td className="px-5 py-3">{formatMoney(c.price)}</td>
                      <td className="px-5 py-3 tabular-nums">{c.enrolledCount}</td>
                      <td className="px-5 py-3 text-muted">{formatDate(c.createdAt)}</td>
                      <td className="px-5 py-3">
                        <div className="flex justify-end gap-1.5">
                          {(c.status === "draft" || c.status === "rejected") && (
                            <button type="button" className="btn-secondary btn-sm" onClick={() => submit(c)}>
                              Submit
                            </button>
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
            </TableFrame>
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
