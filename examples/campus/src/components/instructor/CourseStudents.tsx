import { api } from "../../lib/api";
import { percent } from "../../lib/format";
import type { Page } from "../../lib/types";
import { EmptyState, ProgressBar, Resource, StatusBadge, useLoad } from "../ui/states";
import { TableFrame } from "../ui/TableFrame";

interface StudentRow {
  user: { id: string; name: string; email: string };
  enrollment: { progress: number; status: string; enrolledAt: string };
  [column: string]: unknown;
}

export function CourseStudents({ courseId }: { courseId: string }) {
  const students = useLoad(
    () => api().get<Page<StudentRow>>(`/api/courses/${courseId}/students`, { query: { limit: 100 } }),
    [courseId],
  );
  return (
    <Resource state={students.state} onRetry={students.reload}>
      {(page) =>
        page.items.length === 0 ? (
          <EmptyState icon="users" title="No students yet">
            Students appear here once the course is published and they enroll.
          </EmptyState>
        ) : (
          <TableFrame label="Students" className="rounded-xl border border-line">
            <table className="w-full min-w-[36rem] text-left text-sm">
              <thead className="border-b border-line text-xs uppercase tracking-wider text-muted">
                <tr>
                  <th className="px-4 py-3 font-semibold">Student</th>
                  <th className="px-4 py-3 font-semibold">Progress</th>
                  <th className="px-4 py-3 font-semibold">Status</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-line">
                {page.items.map((row) => (
                  <tr key={row.user.id}>
                    <td className="px-4 py-3">
                      <p className="font-medium">{row.user.name}</p>
                      <p className="text-xs text-muted">{row.user.email}</p>
                    </td>
                    <td className="px-4 py-3">
                      <div className="flex items-center gap-2">
                        <ProgressBar
                          value={row.enrollment.progress}
                          label={`Progress of ${row.user.name}`}
                          className="w-28"
                        />
                        <span className="tabular-nums text-muted">{percent(row.enrollment.progress)}</span>
                      </div>
                    </td>
                    <td className="px-4 py-3">
                      <StatusBadge status={row.enrollment.status} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableFrame>
        )
      }
    </Resource>
  );
}
