import { myEnrollments } from "../../lib/student";
import { EmptyState, Resource, SkeletonCards, useLoad } from "../ui/states";
import { EnrollmentTile } from "./CourseTile";

export default function MyCourses() {
  const enrollments = useLoad(myEnrollments);
  return (
    <Resource state={enrollments.state} skeleton={<SkeletonCards />} onRetry={enrollments.reload}>
      {(list) =>
        list.length === 0 ? (
          <EmptyState
            icon="book"
            title="No courses yet"
            action={
              <a href="/courses" className="btn-primary">
                Browse the catalog
              </a>
            }
          >
            Courses you enroll in appear here with your progress.
          </EmptyState>
        ) : (
          <div className="grid gap-5 sm:grid-cols-2 xl:grid-cols-3">
            {list.map((e) => (
              <EnrollmentTile key={e.id} enrollment={e} level={2} />
            ))}
          </div>
        )
      }
    </Resource>
  );
}
