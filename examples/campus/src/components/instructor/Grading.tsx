import { useState } from "react";
import { api, problemOf } from "../../lib/api";
import { formatDateTime } from "../../lib/format";
import { toast } from "../../lib/toast";
import type { Attempt, Course, Exam, Page } from "../../lib/types";
import { Spinner } from "../ui/Spinner";
import { EmptyState, Resource, SkeletonRows, useLoad } from "../ui/states";
import { courseExams, myCourses } from "./data";

function AttemptGrader({
  attempt,
  examTitle,
  onDone,
}: {
  attempt: Attempt;
  examTitle: string;
  onDone: () => void;
}) {
  const manual = attempt.questions.filter((q) => q.type === "short_answer");
  const [marks, setMarks] = useState<Record<string, { marks: string; feedback: string }>>({});
  const [busy, setBusy] = useState(false);

  async function save() {
    setBusy(true);
    try {
      await api().post(`/api/attempts/${attempt.id}/grade`, {
        grades: manual.map((q) => ({
          questionId: q.id!,
          marks: Number(marks[q.id!]?.marks ?? 0),
          feedback: marks[q.id!]?.feedback?.trim() || undefined,
        })),
      });
      toast("Grades saved", "success", `${attempt.user?.name ?? "Student"} · ${examTitle}`);
      onDone();
    } catch (error) {
      toast("Could not save the grades", "error", problemOf(error).detail ?? problemOf(error).title);
    } finally {
      setBusy(false);
    }
  }

  return (
    <li className="card p-5" data-testid="grading-attempt">
      <div className="mb-4 flex flex-wrap items-baseline justify-between gap-2">
        <p className="font-semibold">
          {attempt.user?.name ?? "Student"} <span className="font-normal text-muted">· {examTitle}</span>
        </p>
        <p className="text-xs text-muted">Submitted {formatDateTime(attempt.submittedAt)}</p>
      </div>
      <ol className="space-y-4">
        {manual.map((q) => {
          const answer = attempt.answers.find((a) => a.questionId === q.id);
          const id = `${attempt.id}-${q.id}`;
          return (
            <li key={q.id} className="rounded-xl bg-surface-2 p-4">
              <p className="text-sm font-medium">{q.prompt}</p>
              <p className="mt-2 rounded-lg bg-surface px-3 py-2 text-sm">
                {answer?.text || <span className="text-muted">No answer</span>}
              </p>
              {q.accepted && <p className="mt-1 text-xs text-muted">Accepted: {q.accepted.join(", ")}</p>}
              <div className="mt-3 grid gap-2 sm:grid-cols-[8rem_1fr]">
                <div>
                  <label htmlFor={`${id}-marks`} className="label">
                    Marks (of {q.marks})
                  </label>
                  <input
                    id={`${id}-marks`}
                    type="number"
                    min={0}
                    max={q.marks}
                    step={0.5}
                    className="field"
                    value={marks[q.id!]?.marks ?? ""}
                    onChange={(e) =>
                      setMarks({
                        ...marks,
                        [q.id!]: { feedback: marks[q.id!]?.feedback ?? "", marks: e.target.value },
                      })
                    }
                  />
                </div>
                <div>
                  <label htmlFor={`${id}-feedback`} className="label">
                    Feedback (optional)
                  </label>
                  <input
                    id={`${id}-feedback`}
                    className="field"
                    value={marks[q.id!]?.feedback ?? ""}
                    onChange={(e) =>
                      setMarks({
                        ...marks,
                        [q.id!]: { marks: marks[q.id!]?.marks ?? "", feedback: e.target.value },
                      })
                    }
                  />
                </div>
              </div>
            </li>
          );
        })}
      </ol>
      <div className="mt-4 flex justify-end">
        <button type="button" className="btn-primary" disabled={busy} onClick={save}>
          {busy && <Spinner />} Save grades
        </button>
      </div>
    </li>
  );
}

interface GradingScope {
  courses: Course[];
  exams: { exam: Exam; course: Course }[];
}

/** The instructor's courses and their published exams (drafts have no attempts). */
async function gradingScope(): Promise<GradingScope> {
  const courses = await myCourses();
  const exams = await Promise.all(
    courses.map(async (course) =>
      (await courseExams(course.id).catch(() => []))
        .filter((exam) => exam.status === "published")
        .map((exam) => ({ exam, course })),
    ),
  );
  return { courses, exams: exams.flat() };
}

/** Attempts waiting for marks in the chosen exams; the server filters by status. */
async function queueOf(exams: GradingScope["exams"]) {
  const perExam = await Promise.all(
    exams.map(async ({ exam }) => {
      const page = await api().get<Page<Attempt>>(`/api/exams/${exam.id}/attempts`, {
        query: { status: "needs_review", limit: 100 },
      });
      return page.items.map((attempt) => ({ attempt, examTitle: exam.title }));
    }),
  );
  return perExam.flat();
}

function GradingQueue({ exams, filtered }: { exams: GradingScope["exams"]; filtered: boolean }) {
  const queue = useLoad(() => queueOf(exams), [exams.map((e) => e.exam.id).join()]);
  return (
    <Resource
      state={queue.state}
      onRetry={queue.reload}
      skeleton={<SkeletonRows rows={2} className="h-40" />}
    >
      {(items) =>
        items.length === 0 ? (
          <EmptyState icon="pen" title={filtered ? "Nothing to grade here" : "Nothing to grade"}>
            {filtered
              ? "No answers are waiting in this course or exam. Choose “All” to see the rest."
              : "Short answers that need your judgement appear here after students submit."}
          </EmptyState>
        ) : (
          <div className="space-y-3">
            <p className="text-sm text-muted" data-testid="grading-count">
              {items.length === 1 ? "1 attempt to grade" : `${items.length} attempts to grade`}
            </p>
            <ul className="space-y-4">
              {items.map(({ attempt, examTitle }) => (
                <AttemptGrader
                  key={attempt.id}
                  attempt={attempt}
                  examTitle={examTitle}
                  onDone={() => queue.reload()}
                />
              ))}
            </ul>
          </div>
        )
      }
    </Resource>
  );
}

export default function Grading() {
  const scope = useLoad(gradingScope);
  const [courseId, setCourseId] = useState("");
  const [examId, setExamId] = useState("");
  return (
    <Resource state={scope.state} onRetry={scope.reload}>
      {({ courses, exams }) => {
        const inCourse = exams.filter((e) => !courseId || e.course.id === courseId);
        const chosen = inCourse.filter((e) => !examId || e.exam.id === examId);
        return (
          <div className="space-y-6">
            <div className="grid gap-3 sm:grid-cols-2 sm:max-w-2xl">
              <div>
                <label htmlFor="grading-course" className="label">
                  Course
                </label>
                <select
                  id="grading-course"
                  className="field"
                  value={courseId}
                  onChange={(e) => {
                    setCourseId(e.target.value);
                    setExamId("");
                  }}
                >
                  <option value="">All courses</option>
                  {courses.map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.title}
                    </option>
                  ))}
                </select>
              </div>
              <div>
                <label htmlFor="grading-exam" className="label">
                  Exam
                </label>
                <select
                  id="grading-exam"
                  className="field"
                  value={examId}
                  onChange={(e) => setExamId(e.target.value)}
                >
                  <option value="">All exams</option>
                  {inCourse.map(({ exam, course }) => (
                    <option key={exam.id} value={exam.id}>
                      {courseId ? exam.title : `${exam.title} · ${course.title}`}
                    </option>
                  ))}
                </select>
              </div>
            </div>
            <GradingQueue exams={chosen} filtered={Boolean(courseId || examId)} />
          </div>
        );
      }}
    </Resource>
  );
}
