import { api } from "../../lib/api";
import { formatDateTime } from "../../lib/format";
import { Card, EmptyState, Resource, SkeletonRows, StatusBadge, useLoad } from "../ui/states";

interface TopQuestion {
  question: string;
  count: number;
  lastAskedAt: string;
}

interface IndexedSource {
  materialId: string | null;
  title: string;
  status: "indexed" | "failed" | "skipped";
  reason: string | null;
  pages: number | null;
  passages: number;
}

/** For the instructor: what students ask the assistant most (no names), and what it can read. */
export default function AssistantInsights({ courseId }: { courseId: string }) {
  const top = useLoad(
    () => api().get<{ items: TopQuestion[] }>(`/api/courses/${courseId}/assistant/top-questions`),
    [courseId],
  );
  const sources = useLoad(
    () => api().get<{ items: IndexedSource[] }>(`/api/courses/${courseId}/assistant/materials`),
    [courseId],
  );
  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <Card title="Top questions (last 30 days)">
        <Resource state={top.state} skeleton={<SkeletonRows rows={3} className="h-8" />} onRetry={top.reload}>
          {({ items }) =>
            items.length === 0 ? (
              <EmptyState icon="inbox" title="No questions yet">
                Questions students ask about this course appear here, without their names.
              </EmptyState>
            ) : (
              <ol className="divide-y divide-line text-sm" data-testid="top-questions">
                {items.map((q) => (
                  <li key={q.question} className="flex items-baseline justify-between gap-3 py-2">
                    <span>{q.question}</span>
                    <span
                      className="shrink-0 text-xs text-muted"
                      title={`Last asked ${formatDateTime(q.lastAskedAt)}`}
                    >
                      {q.count}×
                    </span>
                  </li>
                ))}
              </ol>
            )
          }
        </Resource>
      </Card>
      <Card title="What the assistant can read">
        <Resource
          state={sources.state}
          skeleton={<SkeletonRows rows={3} className="h-8" />}
          onRetry={sources.reload}
        >
          {({ items }) =>
            items.length === 0 ? (
              <EmptyState icon="file" title="Nothing indexed yet">
                Materials are read a moment after you upload them.
              </EmptyState>
            ) : (
              <ul className="divide-y divide-line text-sm">
                {items.map((s) => (
                  <li key={`${s.materialId}-${s.title}`} className="py-2">
                    <div className="flex items-center justify-between gap-3">
                      <span>{s.materialId ? s.title : `${s.title} (course description)`}</span>
                      <StatusBadge status={s.status === "failed" ? "not searchable" : s.status} />
                    </div>
                    {s.reason && <p className="mt-1 text-xs text-muted">{s.reason}</p>}
                  </li>
                ))}
              </ul>
            )
          }
        </Resource>
      </Card>
    </div>
  );
}
