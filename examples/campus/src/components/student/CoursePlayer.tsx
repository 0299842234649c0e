import { useState } from "react";
import { api } from "../../lib/api";
import { percent } from "../../lib/format";
import { toast } from "../../lib/toast";
import type { CourseDetail, Enrollment, Material, OutlineMaterial, Page } from "../../lib/types";
import { Icon } from "../ui/Icon";
import { EmptyState, ProgressBar, Resource, Skeleton, useLoad } from "../ui/states";
import { MaterialView } from "./MaterialView";

const KIND_ICON = { video: "play", pdf: "file", document: "file", link: "link" } as const;

/** Where the course picks up: the first unfinished required lesson, then any unfinished, then the first. */
export function nextLesson(materials: OutlineMaterial[]): OutlineMaterial | undefined {
  return (
    materials.find((m) => !m.completed && m.required && m.kind !== "link") ??
    materials.find((m) => !m.completed && m.kind !== "link") ??
    materials.find((m) => !m.completed) ??
    materials[0]
  );
}

export default function CoursePlayer({ courseId }: { courseId: string }) {
  const course = useLoad(() => api().get<CourseDetail>(`/api/courses/${courseId}`), [courseId]);
  // The materials' content types decide the player (audio or video); the outline does not carry them.
  const types = useLoad(async () => {
    const page = await api()
      .get<Page<Material>>(`/api/courses/${courseId}/materials`)
      .catch(() => ({ items: [] as Material[] }));
    return new Map(page.items.map((m) => [m.id, m.contentType ?? null]));
  }, [courseId]);
  const [selected, setSelected] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [finished, setFinished] = useState<string | null>(null);

  return (
    <Resource
      state={course.state}
      onRetry={course.reload}
      skeleton={
        <div className="grid gap-6 lg:grid-cols-[1fr_20rem]">
          <Skeleton className="aspect-video w-full" />
          <Skeleton className="h-80 w-full" />
        </div>
      }
    >
      {(detail) => {
        const materials = detail.outline.flatMap((s) => s.materials);
        const current = materials.find((m) => m.id === selected) ?? nextLesson(materials);
        const following = current ? materials[materials.indexOf(current) + 1] : undefined;
        const progress = detail.enrollment?.progress ?? 0;
        async function complete(material: OutlineMaterial) {
          setBusy(true);
          try {
            const enrollment = await api().post<Enrollment | { enrollment: Enrollment }>(
              `/api/materials/${material.id}/complete`,
            );
            const updated = "enrollment" in enrollment ? enrollment.enrollment : enrollment;
            course.set({
              ...detail,
              enrollment: { ...(detail.enrollment as Enrollment), ...updated },
              outline: detail.outline.map((s) => ({
                ...s,
                materials: s.materials.map((m) => (m.id === material.id ? { ...m, completed: true } : m)),
              })),
            });
            toast(
              "Marked as complete",
              "success",
              updated.progress !== undefined ? `Course progress ${percent(updated.progress)}` : undefined,
            );
          } catch (error) {
            toast("Could not mark it complete", "error", (error as Error).message);
          } finally {
            setBusy(false);
          }
        }
        return (
          <div className="space-y-6">
            <div className="flex flex-wrap items-end justify-between gap-4">
              <div>
                <a
                  href="/student/courses"
                  className="inline-flex items-center gap-1 text-sm text-muted no-underline hover:text-ink"
                >
                  <Icon name="arrowLeft" className="h-4 w-4" /> My courses
                </a>
                <h1 className="page-title mt-1">{detail.title}</h1>
                <p className="text-muted">with {detail.instructor.name}</p>
              </div>
              <div className="w-full max-w-xs">
                <div className="mb-1 flex justify-between text-sm">
                  <span className="text-muted">Your progress</span>
                  <span className="font-semibold tabular-nums">{percent(progress)}</span>
                </div>
                <ProgressBar value={progress} label="Course progress" />
              </div>
            </div>
            {!detail.canReadMaterials && detail.canReadMaterials !== undefined ? (
              <EmptyState
                icon="book"
                title="Enroll to open the materials"
                action={
                  <a href={`/courses/${detail.slug}`} className="btn-primary">
                    Go to the course page
                  </a>
                }
              />
            ) : materials.length === 0 ? (
              <EmptyState icon="book" title="No materials yet">
                The instructor has not added materials to this course yet.
              </EmptyState>
            ) : (
              <div className="grid gap-6 lg:grid-cols-[1fr_20rem]">
                <section className="min-w-0 space-y-4" aria-labelledby="material-title">
                  {current && (
                    <>
                      <div className="flex flex-wrap items-center justify-between gap-3">
                        <h2 id="material-title" className="text-lg font-semibold">
                          {current.title}
                        </h2>
                        {current.completed ? (
                          <span className="badge bg-success-soft text-success">
                            <Icon name="check" className="h-3.5 w-3.5" /> Completed
                          </span>
                        ) : (
                          <button
                            type="button"
                            // At the end of a recording or on the last page, completion is the next step.
                            className={`${finished === current.id ? "btn-primary" : "btn-secondary"} btn-sm`}
                            disabled={busy}
                            onClick={() => complete(current)}
                          >
                            <Icon name="check" className="h-4 w-4" /> Mark as complete
                          </button>
                        )}
                      </div>
                      {finished === current.id && !current.completed && (
                        <div
                          role="status"
                          className="rounded-xl bg-primary-softer px-4 py-3 text-sm"
                          data-testid="offer-complete"
                        >
                          You reached the end: mark it as complete when you are done with it.
                        </div>
                      )}
                      <MaterialView
                        material={current}
                        contentType={types.status === "ready" ? (types.data.get(current.id) ?? null) : null}
                        onFinished={() => setFinished(current.id)}
                      />
                      {following && (
                        <div className="flex justify-end">
                          <button
                            type="button"
                            className="btn-secondary"
                            onClick={() => {
                              setSelected(following.id);
                              document.getElementById("material-title")?.scrollIntoView({ block: "start" });
                            }}
                          >
                            Next: {following.title} <Icon name="arrowRight" className="h-4 w-4" />
                          </button>
                        </div>
                      )}
                    </>
                  )}
                </section>
                <nav aria-label="Course outline" className="card h-fit overflow-hidden">
                  {detail.outline.map((section) => (
                    <div key={section.id ?? "unsectioned"} className="border-b border-line last:border-0">
                      <h3 className="bg-surface-2 px-4 py-2.5 text-xs font-semibold uppercase tracking-wider text-muted">
                        {section.title}
                      </h3>
                      <ul>
                        {section.materials.map((m) => (
                          <li key={m.id}>
                            <button
                              type="button"
                              onClick={() => setSelected(m.id)}
                              aria-current={m.id === current?.id ? "true" : undefined}
                              className={`flex w-full items-center gap-3 px-4 py-3 text-left text-sm transition hover:bg-surface-2 ${m.id === current?.id ? "bg-primary-softer font-semibold text-primary-ink" : "text-ink"}`}
                            >
                              <span
                                className={`grid h-7 w-7 shrink-0 place-items-center rounded-lg ${m.completed ? "bg-success-soft text-success" : "bg-surface-2 text-muted"}`}
                              >
                                <Icon name={m.completed ? "check" : KIND_ICON[m.kind]} className="h-4 w-4" />
                              </span>
                              <span className="min-w-0 flex-1 truncate">{m.title}</span>
                              <span className="sr-only">{m.completed ? "(completed)" : ""}</span>
                            </button>
                          </li>
                        ))}
                      </ul>
                    </div>
                  ))}
                  <div className="p-4">
                    <a href="/student/exams" className="btn-secondary w-full">
                      <Icon name="exam" className="h-4 w-4" /> Exams of this course
                    </a>
                  </div>
                </nav>
              </div>
            )}
          </div>
        );
      }}
    </Resource>
  );
}
