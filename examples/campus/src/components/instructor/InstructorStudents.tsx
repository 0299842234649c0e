import { useState } from "react";
import { EmptyState, Resource, useLoad } from "../ui/states";
import { CourseStudents } from "./CourseEditor";
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
        const current = courseId || list[0]!.id;
        return (
          <div className="space-y-4">
            <div className="max-w-sm">
              <label htmlFor="students-course" className="label">
                Course
              </label>
              <select
                id="students-course"
                className="field"
                value={current}
                onChange={(e) => setCourseId(e.target.value)}
              >
                {list.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.title}
                  </option>
                ))}
              </select>
            </div>
            <CourseStudents key={current} courseId={current} />
          </div>
        );
      }}
    </Resource>
  );
}
