import { hueOf, percent } from "../../lib/format";
import type { Enrollment } from "../../lib/types";
import { ProgressBar, StatusBadge } from "../ui/states";

export function Cover({
  id,
  title,
  className = "aspect-[16/9]",
}: {
  id: string;
  title: string;
  className?: string;
}) {
  const hue = hueOf(id + title);
  return (
    <div
      aria-hidden="true"
      className={`w-full ${className}`}
      style={{
        background: `radial-gradient(120% 120% at 0% 0%, hsl(${hue} 85% 62%) 0%, transparent 55%), radial-gradient(120% 120% at 100% 100%, hsl(${(hue + 60) % 360} 80% 52%) 0%, transparent 60%), hsl(${(hue + 30) % 360} 70% 40%)`,
      }}
    />
  );
}

export function EnrollmentTile({
  enrollment,
  level = 3,
}: {
  enrollment: Enrollment;
  /** Its title's heading level: 2 where the tiles sit right under the page's title. */
  level?: 2 | 3;
}) {
  const Heading = level === 2 ? "h2" : "h3";
  const course = enrollment.course;
  const title = course?.title ?? "Course";
  return (
    <article className="card group relative flex flex-col overflow-hidden transition hover:-translate-y-0.5 hover:shadow-lg">
      {course?.coverUrl ? (
        <img src={course.coverUrl} alt="" className="aspect-[16/9] w-full object-cover" />
      ) : (
        <Cover id={enrollment.courseId} title={title} />
      )}
      <div className="flex flex-1 flex-col p-5">
        <div className="mb-2 flex items-center justify-between gap-2">
          <StatusBadge status={enrollment.status} />
          <span className="text-xs font-medium text-muted">{percent(enrollment.progress)} complete</span>
        </div>
        <Heading className="font-semibold leading-snug">
          <a
            href={`/student/courses/${enrollment.courseId}`}
            className="text-ink no-underline after:absolute after:inset-0"
          >
            {title}
          </a>
        </Heading>
        {course?.instructor && <p className="mt-1 text-sm text-muted">{course.instructor.name}</p>}
        <ProgressBar
          value={enrollment.progress}
          label={`Progress in ${title}`}
          className="mt-auto translate-y-2"
        />
      </div>
    </article>
  );
}
