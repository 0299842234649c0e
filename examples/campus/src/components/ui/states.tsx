import { createContext, type ReactNode, useCallback, useContext, useEffect, useRef, useState } from "react";
import { type Problem, problemOf } from "../../lib/api";
import type { IconName } from "../../lib/icons";
import { Icon } from "./Icon";

export type Loadable<T> =
  | { status: "loading"; data?: undefined; problem?: undefined }
  | { status: "error"; data?: undefined; problem: Problem }
  | { status: "ready"; data: T; problem?: undefined };

/** Loads on mount (and when `deps` change); `reload` refetches without flashing the skeleton. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[] = []) {
  const [state, setState] = useState<Loadable<T>>({ status: "loading" });
  const loadRef = useRef(load);
  loadRef.current = load;
  const run = useCallback(async () => {
    try {
      setState({ status: "ready", data: await loadRef.current() });
    } catch (error) {
      setState({ status: "error", problem: problemOf(error) });
    }
  }, []);
  useEffect(() => {
    setState({ status: "loading" });
    void run();
    // biome-ignore lint/correctness/useExhaustiveDependencies: reloads when the caller's deps change
  }, deps);
  const set = useCallback((data: T) => setState({ status: "ready", data }), []);
  return { ...state, state, reload: run, set };
}

export function Skeleton({ className = "h-4 w-full" }: { className?: string }) {
  return <div className={`skeleton ${className}`} aria-hidden="true" />;
}

export function SkeletonRows({ rows = 3, className = "h-16" }: { rows?: number; className?: string }) {
  return (
    <div className="space-y-3" role="status" aria-label="Loading">
      {Array.from({ length: rows }, (_, i) => (
        <Skeleton key={String(i)} className={`${className} w-full`} />
      ))}
    </div>
  );
}

export function SkeletonCards({ count = 3 }: { count?: number }) {
  return (
    <div className="grid gap-5 sm:grid-cols-2 xl:grid-cols-3" role="status" aria-label="Loading">
      {Array.from({ length: count }, (_, i) => (
        <div key={String(i)} className="card overflow-hidden">
          <Skeleton className="aspect-[16/9] w-full rounded-none" />
          <div className="space-y-3 p-5">
            <Skeleton className="h-4 w-2/3" />
            <Skeleton className="h-3 w-1/2" />
            <Skeleton className="h-2 w-full" />
          </div>
        </div>
      ))}
    </div>
  );
}

export function ErrorState({ problem, onRetry }: { problem: Problem; onRetry?: () => void }) {
  return (
    <div
      role="alert"
      className="card flex flex-col items-start gap-3 border-danger/30 bg-danger-soft p-5 sm:flex-row"
    >
      <Icon name="alert" className="mt-0.5 h-5 w-5 shrink-0 text-danger" />
      <div className="flex-1">
        <p className="font-semibold text-ink">{problem.title}</p>
        {problem.detail && <p className="mt-1 text-sm text-muted">{problem.detail}</p>}
      </div>
      {onRetry && (
        <button type="button" className="btn-secondary btn-sm" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

/** Whether the content sits under a card's own heading (h2), so headings inside go one level down. */
const InTitledCard = createContext(false);

export function EmptyState({
  icon = "inbox",
  title,
  children,
  action,
  level,
}: {
  icon?: IconName;
  title: string;
  children?: ReactNode;
  action?: ReactNode;
  /** Its heading's level; by default 3 inside a titled {@link Card}, else 2 (right under the page's title). */
  level?: 2 | 3;
}) {
  const inTitledCard = useContext(InTitledCard);
  const Heading = (level ?? (inTitledCard ? 3 : 2)) === 2 ? "h2" : "h3";
  return (
    <div className="card flex flex-col items-center px-6 py-12 text-center">
      <span className="grid h-12 w-12 place-items-center rounded-2xl bg-primary-soft text-primary-ink">
        <Icon name={icon} className="h-6 w-6" />
      </span>
      <Heading className="mt-4 text-base font-semibold">{title}</Heading>
      {children && <div className="mt-1.5 max-w-md text-sm text-muted">{children}</div>}
      {action && <div className="mt-5">{action}</div>}
    </div>
  );
}

/** Renders the three states of a load: skeleton, problem, or the data. */
export function Resource<T>({
  state,
  skeleton,
  onRetry,
  children,
}: {
  state: Loadable<T>;
  skeleton?: ReactNode;
  onRetry?: () => void;
  children: (data: T) => ReactNode;
}) {
  if (state.status === "loading") return <>{skeleton ?? <SkeletonRows />}</>;
  if (state.status === "error") return <ErrorState problem={state.problem} onRetry={onRetry} />;
  return <>{children(state.data)}</>;
}

export function ProgressBar({
  value,
  label,
  className = "",
}: {
  value: number;
  label: string;
  className?: string;
}) {
  const pct = Math.round(Math.max(0, Math.min(1, value)) * 100);
  return (
    <div
      className={`h-2 w-full overflow-hidden rounded-full bg-surface-2 ${className}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={pct}
    >
      <div
        className="h-full rounded-full bg-primary transition-[width] duration-500"
        style={{ width: `${pct}%` }}
      />
    </div>
  );
}

const TONES = {
  neutral: "bg-surface-2 text-muted",
  primary: "bg-primary-soft text-primary-ink",
  success: "bg-success-soft text-success",
  warning: "bg-warning-soft text-warning",
  danger: "bg-danger-soft text-danger",
} as const;

export function Badge({ tone = "neutral", children }: { tone?: keyof typeof TONES; children: ReactNode }) {
  return <span className={`badge ${TONES[tone]}`}>{children}</span>;
}

const STATUS_TONE: Record<string, keyof typeof TONES> = {
  draft: "neutral",
  pending: "warning",
  published: "success",
  rejected: "danger",
  archived: "neutral",
  issued: "success",
  revoked: "danger",
  in_progress: "primary",
  submitted: "primary",
  graded: "success",
  needs_review: "warning",
  expired: "neutral",
  active: "primary",
  completed: "success",
  cancelled: "neutral",
  passed: "success",
  failed: "danger",
};

export function StatusBadge({ status }: { status: string }) {
  const label = status.replace(/_/g, " ");
  return <Badge tone={STATUS_TONE[status] ?? "neutral"}>{label[0]?.toUpperCase() + label.slice(1)}</Badge>;
}

export function Card({
  title,
  action,
  children,
  className = "",
}: {
  title?: ReactNode;
  action?: ReactNode;
  children: ReactNode;
  className?: string;
}) {
  return (
    <section className={`card p-5 sm:p-6 ${className}`}>
      {(title || action) && (
        <div className="mb-4 flex items-center justify-between gap-3">
          {title && <h2 className="text-base font-semibold tracking-tight">{title}</h2>}
          {action}
        </div>
      )}
      <InTitledCard.Provider value={Boolean(title)}>{children}</InTitledCard.Provider>
    </section>
  );
}
