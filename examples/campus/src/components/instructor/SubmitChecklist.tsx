import { useState } from "react";
import { api, problemOf } from "../../lib/api";
import { humanizeProblem } from "../../lib/problems";
import { toast } from "../../lib/toast";
import type { Course, CourseDetail, Exam } from "../../lib/types";
import { Icon } from "../ui/Icon";
import { Modal } from "../ui/Modal";
import { Spinner } from "../ui/Spinner";
import { Resource, SkeletonRows, useLoad } from "../ui/states";
import { courseExams } from "./data";

interface Facts {
  detail: CourseDetail;
  exams: Exam[];
}

/** The checklist as the instructor reads it; `excluded` are draft exams left out on purpose. */
export function checklist(facts: Facts, excluded: ReadonlySet<string>) {
  const drafts = facts.exams.filter((exam) => exam.status === "draft");
  return [
    {
      key: "description",
      label: "A description",
      met: facts.detail.description.trim() !== "",
      hint: "Write one under Details: it is what students read before they enroll.",
    },
    {
      key: "sections",
      label: "At least one section with a material in it",
      met: facts.detail.outline.some((section) => section.id !== null && section.materials.length > 0),
      hint: "Add a section under Outline & materials and put a material in it.",
    },
    {
      key: "exams",
      label: "Every exam published or left out",
      met: drafts.every((exam) => excluded.has(exam.id)),
      hint:
        drafts.length === 0
          ? undefined
          : "Publish draft exams under Exams, or tick them below to leave them out.",
    },
  ];
}

/**
 * "Submit for approval" behind the pre-submission checklist: the dialog loads the course as it is
 * now (other tabs may have changed it), ticks what is done, and allows submitting only when all is.
 * The server checks the same list and answers 422 naming what is missing.
 */
export function SubmitForApproval({
  course,
  onSubmitted,
  compact = false,
}: {
  course: Course;
  onSubmitted: (course: Course) => void;
  /** A small "Submit" button, as in a list row. */
  compact?: boolean;
}) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        className={compact ? "btn-secondary btn-sm" : "btn-primary"}
        aria-label={compact ? `Submit ${course.title} for approval` : undefined}
        onClick={() => setOpen(true)}
      >
        {compact ? "Submit" : "Submit for approval"}
      </button>
      <Modal
        open={open}
        onOpenChange={setOpen}
        title="Before you submit"
        description="An administrator reviews the course as students will see it."
        wide
      >
        {open && (
          <Checklist
            courseId={course.id}
            onSubmitted={(submitted) => {
              setOpen(false);
              onSubmitted(submitted);
            }}
          />
        )}
      </Modal>
    </>
  );
}

function Checklist({ courseId, onSubmitted }: { courseId: string; onSubmitted: (course: Course) => void }) {
  const facts = useLoad(async (): Promise<Facts> => {
    const [detail, exams] = await Promise.all([
      api().get<CourseDetail>(`/api/courses/${courseId}`),
      // Without the exams plugin there is nothing to publish.
      courseExams(courseId).catch(() => []),
    ]);
    return { detail, exams };
  }, [courseId]);
  const [excluded, setExcluded] = useState<Set<string>>(new Set());
  const [busy, setBusy] = useState(false);
  const [refused, setRefused] = useState<string[]>([]);

  async function submit() {
    setBusy(true);
    setRefused([]);
    try {
      const submitted = await api().post<Course>(`/api/courses/${courseId}/submit`, {
        exclude: [...excluded],
      });
      toast("Submitted for approval", "success", "An administrator will review it.");
      onSubmitted(submitted);
    } catch (error) {
      const problem = humanizeProblem(problemOf(error));
      setRefused(problem.errors?.map((e) => e.message) ?? [problem.detail ?? problem.title]);
      await facts.reload();
    } finally {
      setBusy(false);
    }
  }

  return (
    <Resource state={facts.state} onRetry={facts.reload} skeleton={<SkeletonRows rows={3} className="h-8" />}>
      {(loaded) => {
        const items = checklist(loaded, excluded);
        const ready = items.every((item) => item.met);
        const drafts = loaded.exams.filter((exam) => exam.status === "draft");
        return (
          <div className="space-y-4">
            <ul className="space-y-3" data-testid="submit-checklist">
              {items.map((item) => (
                <li
                  key={item.key}
                  className="flex gap-3"
                  data-testid={`check-${item.key}`}
                  data-met={item.met}
                >
                  <span
                    className={`mt-0.5 grid h-6 w-6 shrink-0 place-items-center rounded-full ${item.met ? "bg-success-soft text-success" : "bg-warning-soft text-warning"}`}
                  >
                    <Icon name={item.met ? "check" : "alert"} className="h-4 w-4" />
                  </span>
                  <div>
                    <p className="font-medium">
                      {item.label}
                      <span className="sr-only">{item.met ? ": done" : ": not yet"}</span>
                    </p>
                    {!item.met && item.hint && <p className="text-sm text-muted">{item.hint}</p>}
                  </div>
                </li>
              ))}
            </ul>
            {drafts.length > 0 && (
              <fieldset className="rounded-xl border border-line p-4">
                <legend className="px-1 text-sm font-semibold">Draft exams</legend>
                <ul className="space-y-2">
                  {drafts.map((exam) => (
                    <li key={exam.id}>
                      <label className="flex items-center gap-2 text-sm">
                        <input
                          type="checkbox"
                          checked={excluded.has(exam.id)}
                          onChange={(e) => {
                            const next = new Set(excluded);
                            if (e.target.checked) next.add(exam.id);
                            else next.delete(exam.id);
                            setExcluded(next);
                          }}
                        />
                        Leave “{exam.title}” out of the course
                      </label>
                    </li>
                  ))}
                </ul>
              </fieldset>
            )}
            {refused.length > 0 && (
              <div role="alert" className="rounded-xl bg-danger-soft p-3 text-sm text-danger">
                <p className="font-medium">The course is not ready for review yet:</p>
                <ul className="mt-1 list-disc pl-5">
                  {refused.map((message) => (
                    <li key={message}>{message}</li>
                  ))}
                </ul>
              </div>
            )}
            <div className="flex flex-col-reverse items-stretch gap-2 sm:flex-row sm:items-center sm:justify-end">
              {!ready && <p className="text-sm text-muted sm:mr-auto">Finish the items above to submit.</p>}
              <button type="button" className="btn-primary" disabled={!ready || busy} onClick={submit}>
                {busy && <Spinner />} Submit for approval
              </button>
            </div>
          </div>
        );
      }}
    </Resource>
  );
}
