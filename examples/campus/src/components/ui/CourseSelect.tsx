/** The "Course" picker above an instructor's per-course pages (students, live classes, attendance). */
export function CourseSelect({
  id,
  courses,
  value,
  onChange,
}: {
  id: string;
  courses: readonly { id: string; title: string }[];
  value: string;
  onChange: (courseId: string) => void;
}) {
  return (
    <div className="max-w-sm">
      <label htmlFor={id} className="label">
        Course
      </label>
      <select id={id} className="field" value={value} onChange={(e) => onChange(e.target.value)}>
        {courses.map((c) => (
          <option key={c.id} value={c.id}>
            {c.title}
          </option>
        ))}
      </select>
    </div>
  );
}
