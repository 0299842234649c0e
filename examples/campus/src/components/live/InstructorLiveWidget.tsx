import { classTime, type LiveClass, upcomingClasses } from "../../lib/classes";
import { myCourses } from "../instructor/data";
import { Card, Resource, useLoad } from "../ui/states";
import { LowAttendanceList } from "./CourseAttendance";

async function load() {
  const [courses, classes] = await Promise.all([myCourses(), upcomingClasses()]);
  const next: LiveClass | undefined = classes.find((c) => c.status === "scheduled");
  return { courses: courses.filter((c) => c.status === "published"), next };
}

/** The instructor dashboard's live-class corner: the next class, and who is missing classes. */
export default function InstructorLiveWidget() {
  const state = useLoad(load);
  return (
    <Resource state={state.state} onRetry={state.reload}>
      {({ courses, next }) =>
        courses.length === 0 ? null : (
          <div className="grid gap-6 lg:grid-cols-2">
            <Card
              title="Next live class"
              action={
                <a href="/instructor/live" className="text-sm font-medium">
                  Schedule
                </a>
              }
            >
              {next ? (
                <p className="text-sm">
                  <span className="font-medium">{next.title}</span>
                  <span className="block text-muted">
                    {courses.find((c) => c.id === next.courseId)?.title} · {classTime(next.startsAt)}
                  </span>
                </p>
              ) : (
                <p className="text-sm text-muted">Nothing scheduled.</p>
              )}
            </Card>
            <Card
              title="Low attendance"
              action={
                <a href="/instructor/attendance" className="text-sm font-medium">
                  Reports
                </a>
              }
            >
              <div className="space-y-4">
                {courses.map((c) => (
                  <section key={c.id} aria-label={c.title}>
                    <h3 className="text-sm font-semibold">{c.title}</h3>
                    <LowAttendanceList courseId={c.id} compact />
                  </section>
                ))}
              </div>
            </Card>
          </div>
        )
      }
    </Resource>
  );
}
