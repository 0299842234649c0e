import { classTime, type MyAttendance as Mine, myAttendance, rateText } from "../../lib/classes";
import { myEnrollments } from "../../lib/student";
import { Chart } from "../ui/Chart";
import { Card, EmptyState, Resource, useLoad } from "../ui/states";
import { TableFrame } from "../ui/TableFrame";
import { AttendanceBadge } from "./StatusPill";

async function load() {
  const [mine, enrollments] = await Promise.all([myAttendance(), myEnrollments()]);
  const titles = new Map(enrollments.map((e) => [e.courseId, e.course?.title ?? "Course"]));
  return { mine, titleOf: (id: string) => titles.get(id) ?? "Course" };
}

function RateChart({ mine, titleOf }: { mine: Mine; titleOf: (id: string) => string }) {
  const courses = mine.courses.filter((c) => c.rate !== null);
  return (
    <Chart
      key={courses.map((c) => c.rate).join()}
      testId="my-attendance-chart"
      label={`Share of live classes attended per course: ${courses.map((c) => `${titleOf(c.courseId)} ${rateText(c.rate)}, ${c.attended} of ${c.held - c.excused}`).join("; ")}`}
      height={Math.max(160, courses.length * 56)}
      config={(colours) => ({
        type: "bar",
        data: {
          labels: courses.map((c) => titleOf(c.courseId)),
          datasets: [
            {
              label: "Classes attended %",
              data: courses.map((c) => Math.round((c.rate ?? 0) * 100)),
              backgroundColor: courses.map((c) => ((c.rate ?? 0) < 0.75 ? colours.warning : colours.primary)),
              borderRadius: 6,
            },
          ],
        },
        options: {
          indexAxis: "y",
          maintainAspectRatio: false,
          scales: { x: { min: 0, max: 100, ticks: { callback: (v) => `${v}%` } } },
          plugins: { legend: { display: false } },
        },
      })}
    />
  );
}

/** The student's own attendance: overall rate, a chart per course, and every class held. */
export default function MyAttendance({ compact = false }: { compact?: boolean }) {
  const state = useLoad(load);
  return (
    <Resource state={state.state} onRetry={state.reload}>
      {({ mine, titleOf }) => {
        const held = mine.courses.some((c) => c.held > 0);
        if (compact)
          return (
            <Card
              title="Class attendance"
              action={
                <a href="/student/attendance" className="text-sm font-medium">
                  Details
                </a>
              }
            >
              {held ? (
                <>
                  <p className="mb-3 text-sm text-muted">
                    You attended <strong className="text-ink">{rateText(mine.rate)}</strong> of your live
                    classes.
                  </p>
                  <RateChart mine={mine} titleOf={titleOf} />
                </>
              ) : (
                <p className="text-sm text-muted">No live classes have taken place in your courses yet.</p>
              )}
            </Card>
          );
        if (!held)
          return (
            <EmptyState icon="chart" title="No classes held yet">
              Once live classes in your courses have taken place, your attendance appears here.
            </EmptyState>
          );
        return (
          <div className="space-y-6">
            <div className="grid gap-4 sm:grid-cols-3">
              <div className="card p-5">
                <p className="text-sm text-muted">Live classes attended</p>
                <p className="mt-1 text-3xl font-semibold tabular-nums">{rateText(mine.rate)}</p>
              </div>
              <div className="card p-5">
                <p className="text-sm text-muted">Classes joined</p>
                <p className="mt-1 text-3xl font-semibold tabular-nums">{mine.liveClasses.length}</p>
              </div>
              <div className="card p-5">
                <p className="text-sm text-muted">Days on campus</p>
                <p className="mt-1 text-3xl font-semibold tabular-nums">{mine.days.length}</p>
              </div>
            </div>
            <Card title="Attendance by course">
              <RateChart mine={mine} titleOf={titleOf} />
            </Card>
            {mine.courses
              .filter((c) => c.classes.length > 0)
              .map((course) => (
                <Card key={course.courseId} title={titleOf(course.courseId)}>
                  <p className="mb-3 text-sm text-muted">
                    {course.attended} of {course.held - course.excused} classes attended
                    {course.excused > 0 && `, ${course.excused} excused`}.
                  </p>
                  <TableFrame label={`Classes in ${titleOf(course.courseId)}`} className="-mx-2">
                    <table className="w-full min-w-[28rem] text-left text-sm">
                      <thead className="text-xs uppercase tracking-wider text-muted">
                        <tr>
                          <th className="px-2 py-2 font-semibold">Class</th>
                          <th className="px-2 py-2 font-semibold">When</th>
                          <th className="px-2 py-2 font-semibold">Attendance</th>
                        </tr>
                      </thead>
                      <tbody className="divide-y divide-line">
                        {course.classes.map((c) => (
                          <tr key={c.liveClassId}>
                            <td className="px-2 py-3 font-medium">{c.title}</td>
                            <td className="px-2 py-3 text-muted">{classTime(c.startsAt)}</td>
                            <td className="px-2 py-3">
                              <AttendanceBadge status={c.status} />
                            </td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </TableFrame>
                </Card>
              ))}
          </div>
        );
      }}
    </Resource>
  );
}
