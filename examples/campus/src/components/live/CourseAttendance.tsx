import { useState } from "react";
import { classTime, courseAttendance, lowAttendance, rateText } from "../../lib/classes";
import { myCourses } from "../instructor/data";
import { Chart } from "../ui/Chart";
import { CourseSelect } from "../ui/CourseSelect";
import { Icon } from "../ui/Icon";
import { Badge, Card, EmptyState, Resource, useLoad } from "../ui/states";
import { TableFrame } from "../ui/TableFrame";

/** Students under the threshold, lowest first; the instructor's list to act on. */
export function LowAttendanceList({ courseId, compact = false }: { courseId: string; compact?: boolean }) {
  const low = useLoad(() => lowAttendance(courseId), [courseId]);
  return (
    <Resource state={low.state} onRetry={low.reload}>
      {(data) =>
        data.items.length === 0 ? (
          <p className="text-sm text-muted">
            Every student attends at least {Math.round(data.threshold * 100)}% of the classes.
          </p>
        ) : (
          <>
            {!compact && (
              <p className="mb-3 text-sm text-muted">
                Under {Math.round(data.threshold * 100)}% of the classes held since they enrolled. Each is
                told once a week; a word from you helps more.
              </p>
            )}
            <ul aria-label="Students with low attendance" className="divide-y divide-line">
              {data.items.map((s) => (
                <li key={s.student.id} className="flex items-center justify-between gap-3 py-2.5">
                  <span className="min-w-0">
                    <span className="block truncate font-medium">{s.student.name}</span>
                    {!compact && (
                      <a href={`mailto:${s.student.email}`} className="text-xs">
                        {s.student.email}
                      </a>
                    )}
                  </span>
                  <span className="text-right text-sm">
                    <Badge tone="warning">{rateText(s.rate)}</Badge>
                    <span className="block text-xs text-muted">
                      {s.attended} of {s.held - s.excused}
                    </span>
                  </span>
                </li>
              ))}
            </ul>
          </>
        )
      }
    </Resource>
  );
}

function Report({ courseId }: { courseId: string }) {
  const report = useLoad(() => courseAttendance(courseId), [courseId]);
  return (
    <Resource state={report.state} onRetry={report.reload}>
      {(data) => {
        if (data.classes.length === 0)
          return (
            <EmptyState icon="chart" title="No classes held yet">
              Once this course's live classes have taken place, each student's attendance appears here.
            </EmptyState>
          );
        const perClass = data.classes.map((cls) => {
          const records = data.students.map((s) => s.records.find((r) => r.liveClassId === cls.id));
          const counted = records.filter((r) => r && r.status !== "excused");
          const came = counted.filter((r) => r!.status === "present" || r!.status === "late").length;
          return { cls, rate: counted.length ? came / counted.length : null };
        });
        return (
          <div className="space-y-6">
            <Card
              title="Attendance per class"
              action={
                <a
                  className="btn-secondary btn-sm"
                  href={`/api/courses/${courseId}/attendance?format=csv`}
                  download
                >
                  <Icon name="download" className="h-4 w-4" /> Download CSV
                </a>
              }
            >
              <Chart
                key={perClass.map((p) => p.rate).join()}
                testId="course-attendance-chart"
                label={`Share of students attending each class: ${perClass.map((p) => `${p.cls.title} ${classTime(p.cls.startsAt)} ${rateText(p.rate)}`).join("; ")}`}
                config={(colours) => ({
                  type: "bar",
                  data: {
                    labels: perClass.map((p) => classTime(p.cls.startsAt)),
                    datasets: [
                      {
                        label: "Students attending %",
                        data: perClass.map((p) => (p.rate === null ? 0 : Math.round(p.rate * 100))),
                        backgroundColor: colours.primary,
                        borderRadius: 6,
                      },
                    ],
                  },
                  options: {
                    maintainAspectRatio: false,
                    scales: { y: { min: 0, max: 100, ticks: { callback: (v) => `${v}%` } } },
                    plugins: { legend: { display: false } },
                  },
                })}
              />
            </Card>
            <Card title="Students">
              <TableFrame label="Attendance per student" className="-mx-2">
                <table className="w-full min-w-[32rem] text-left text-sm">
                  <thead className="text-xs uppercase tracking-wider text-muted">
                    <tr>
                      <th className="px-2 py-2 font-semibold">Student</th>
                      <th className="px-2 py-2 font-semibold">Attended</th>
                      <th className="px-2 py-2 font-semibold">Excused</th>
                      <th className="px-2 py-2 font-semibold">Rate</th>
                    </tr>
                  </thead>
                  <tbody className="divide-y divide-line">
                    {data.students.map((s) => (
                      <tr key={s.userId}>
                        <td className="px-2 py-3 font-medium">{s.name}</td>
                        <td className="px-2 py-3 tabular-nums">
                          {s.attended} of {s.held}
                        </td>
                        <td className="px-2 py-3 tabular-nums">{s.excused}</td>
                        <td className="px-2 py-3 tabular-nums">{rateText(s.rate)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableFrame>
            </Card>
          </div>
        );
      }}
    </Resource>
  );
}

/** A course's attendance report: per class, per student, CSV, and the low-attendance list. */
export default function CourseAttendance({ initialCourse = "" }: { initialCourse?: string }) {
  const courses = useLoad(myCourses);
  const [courseId, setCourseId] = useState(initialCourse);
  return (
    <Resource state={courses.state} onRetry={courses.reload}>
      {(all) => {
        const list = all.filter((c) => c.status === "published" || c.status === "archived");
        if (list.length === 0)
          return (
            <EmptyState icon="chart" title="No published course yet">
              Attendance is recorded for the live classes of published courses.
            </EmptyState>
          );
        const current = list.some((c) => c.id === courseId) ? courseId : list[0]!.id;
        return (
          <div className="space-y-6">
            <CourseSelect id="attendance-course" courses={list} value={current} onChange={setCourseId} />
            <div className="grid gap-6 lg:grid-cols-[1fr_20rem]">
              <Report key={current} courseId={current} />
              <Card title="Low attendance">
                <LowAttendanceList key={current} courseId={current} />
              </Card>
            </div>
          </div>
        );
      }}
    </Resource>
  );
}
