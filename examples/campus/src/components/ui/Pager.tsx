import { useCallback, useState } from "react";

/**
 * Page-by-page through a cursor-paged list: the cursors of the pages seen are kept, so "Previous"
 * goes back without the server counting anything. `reset` when the filters change.
 */
export function usePager() {
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const next = useCallback((nextCursor: string) => setCursors((list) => [...list, nextCursor]), []);
  const previous = useCallback(() => setCursors((list) => (list.length > 1 ? list.slice(0, -1) : list)), []);
  const reset = useCallback(() => setCursors([undefined]), []);
  return { cursor, page: cursors.length, next, previous, reset };
}

export function Pager({
  page,
  nextCursor,
  onNext,
  onPrevious,
  label,
}: {
  page: number;
  nextCursor: string | null;
  onNext: (cursor: string) => void;
  onPrevious: () => void;
  label: string;
}) {
  if (page === 1 && !nextCursor) return null;
  return (
    <nav
      aria-label={label}
      className="flex items-center justify-between gap-3 border-t border-line p-3 text-sm"
    >
      <button type="button" className="btn-ghost btn-sm" onClick={onPrevious} disabled={page === 1}>
        Previous
      </button>
      <span className="text-muted">Page {page}</span>
      <button
        type="button"
        className="btn-ghost btn-sm"
        onClick={() => nextCursor && onNext(nextCursor)}
        disabled={!nextCursor}
      >
        Next
      </button>
    </nav>
  );
}
