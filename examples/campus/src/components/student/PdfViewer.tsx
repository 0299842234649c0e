import { useEffect, useRef, useState } from "react";
import { Icon } from "../ui/Icon";
import { Spinner } from "../ui/Spinner";

type PdfDocument = { numPages: number; getPage(n: number): Promise<PdfPage>; destroy(): Promise<void> };
type PdfPage = {
  getViewport(o: { scale: number }): { width: number; height: number };
  render(o: { canvasContext: CanvasRenderingContext2D; viewport: unknown; canvas: HTMLCanvasElement }): {
    promise: Promise<void>;
  };
};

/** An in-page PDF viewer (pdf.js, loaded only when a PDF is opened), page by page with zoom. */
/** `onLastPage`: called once the last page is shown (the player then offers to mark it complete). */
export function PdfViewer({
  url,
  title,
  onLastPage,
}: {
  url: string;
  title: string;
  onLastPage?: () => void;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const frame = useRef<HTMLElement>(null);
  const [doc, setDoc] = useState<PdfDocument | null>(null);
  const [page, setPage] = useState(1);
  const [zoom, setZoom] = useState(1);
  const [error, setError] = useState<string | null>(null);
  const onLastPageRef = useRef(onLastPage);
  onLastPageRef.current = onLastPage;

  useEffect(() => {
    let cancelled = false;
    let loaded: PdfDocument | null = null;
    setDoc(null);
    setPage(1);
    setError(null);
    (async () => {
      const pdfjs = await import("pdfjs-dist");
      const worker = await import("pdfjs-dist/build/pdf.worker.min.mjs?url");
      pdfjs.GlobalWorkerOptions.workerSrc = worker.default;
      loaded = (await pdfjs.getDocument({ url, withCredentials: true }).promise) as unknown as PdfDocument;
      if (cancelled) return void loaded.destroy();
      setDoc(loaded);
    })().catch((e: Error) => !cancelled && setError(e.message || "The PDF could not be opened."));
    return () => {
      cancelled = true;
      void loaded?.destroy();
    };
  }, [url]);

  useEffect(() => {
    if (!doc || !canvas.current || !frame.current) return;
    let cancelled = false;
    (async () => {
      const pdfPage = await doc.getPage(page);
      const base = pdfPage.getViewport({ scale: 1 });
      const fit = (frame.current!.clientWidth - 2) / base.width;
      const scale = fit * zoom * (window.devicePixelRatio || 1);
      const viewport = pdfPage.getViewport({ scale });
      const c = canvas.current!;
      c.width = viewport.width;
      c.height = viewport.height;
      c.style.width = `${viewport.width / (window.devicePixelRatio || 1)}px`;
      if (cancelled) return;
      await pdfPage.render({ canvasContext: c.getContext("2d")!, viewport, canvas: c }).promise;
      c.dataset.renderedPage = String(page);
      if (page === doc.numPages) onLastPageRef.current?.();
    })().catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [doc, page, zoom]);

  if (error)
    return (
      <div role="alert" className="rounded-xl bg-danger-soft p-4 text-sm text-danger">
        {error} <a href={url}>Download the PDF instead.</a>
      </div>
    );
  return (
    <figure
      className="overflow-hidden rounded-xl border border-line bg-surface-2"
      aria-label={`PDF: ${title}`}
      data-testid="pdf-viewer"
    >
      <div className="flex flex-wrap items-center justify-between gap-2 border-b border-line bg-surface px-3 py-2 text-sm">
        <div className="flex items-center gap-1">
          <button
            type="button"
            className="btn-ghost btn-sm"
            disabled={!doc || page <= 1}
            onClick={() => setPage((p) => p - 1)}
          >
            Previous
          </button>
          <span className="tabular-nums text-muted" aria-live="polite">
            {doc ? `Page ${page} of ${doc.numPages}` : "Loading…"}
          </span>
          <button
            type="button"
            className="btn-ghost btn-sm"
            disabled={!doc || page >= doc.numPages}
            onClick={() => setPage((p) => p + 1)}
          >
            Next
          </button>
        </div>
        <div className="flex items-center gap-1">
          <button
            type="button"
            className="btn-ghost btn-sm"
            aria-label="Zoom out"
            onClick={() => setZoom((z) => Math.max(0.5, z - 0.25))}
          >
            −
          </button>
          <span className="w-12 text-center tabular-nums text-muted">{Math.round(zoom * 100)}%</span>
          <button
            type="button"
            className="btn-ghost btn-sm"
            aria-label="Zoom in"
            onClick={() => setZoom((z) => Math.min(3, z + 0.25))}
          >
            +
          </button>
          <a className="btn-ghost btn-sm" href={url} download aria-label="Download PDF">
            <Icon name="download" className="h-4 w-4" />
          </a>
        </div>
      </div>
      <section
        ref={frame}
        // biome-ignore lint/a11y/noNoninteractiveTabindex: the scrolling page view must take focus for keyboard scrolling
        tabIndex={0}
        aria-label={`Pages of ${title}`}
        className="relative max-h-[75vh] min-h-64 overflow-auto p-0"
      >
        {!doc && (
          <div className="absolute inset-0 grid place-items-center text-muted">
            <Spinner className="h-6 w-6" />
          </div>
        )}
        <canvas ref={canvas} className="mx-auto block bg-white" />
      </section>
    </figure>
  );
}
