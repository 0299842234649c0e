import { useState } from "react";
import { CourseSelect } from "../ui/CourseSelect";
import { EmptyState, Resource, useLoad } from "../ui/states";
import { CourseStudents } from "./CourseStudents";
import { myCourses } from "./data";

export default function InstructorStudents() {
  const courses = useLoad(myCourses);
  const [courseId, setCourseId] = useState<string>("");
  return (
    <Resource state={courses.state} onRetry={courses.reload}>
      {(list) => {
        if (list.length === 0)
          return (
            <EmptyState
              icon="users"
              title="No courses yet"
              action={
                <a className="btn-primary" href="/instructor/courses/new">
                  Create a course
                </a>
              }
            />
          );
        // The course with the most students, not the newest (often an empty draft).
        const busiest = list.reduce((best, c) => (c.enrolledCount > best.enrolledCount ? c : best), list[0]!);
        const current = courseId || busiest.id;
        return (
          <div className="space-y-4">
            <CourseSelect id="students-course" courses={list} value={current} onChange={setCourseId} />
            <CourseStudents key={current} courseId={current} />
          </div>
        );
      }}
    </Resource>
  );
}
