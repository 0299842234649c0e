import type { ChartConfiguration } from "chart.js";
import { useEffect, useRef } from "react";

function token(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || "#4338ca";
}

/** A Chart.js chart, loaded only where a chart is shown; give it a `key` to redraw with new data. */
export function Chart({
  config,
  label,
  height = 260,
  testId,
}: {
  config: (colours: {
    primary: string;
    muted: string;
    line: string;
    success: string;
    danger: string;
    warning: string;
  }) => ChartConfiguration;
  /** The accessible name: a text summary of the data, read in place of the picture. */
  label: string;
  height?: number;
  /** A `data-testid` for the canvas, which gets `data-ready` once the chart is drawn. */
  testId?: string;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const configRef = useRef(config);
  configRef.current = config;
  useEffect(() => {
    let chart: { destroy(): void } | null = null;
    let cancelled = false;
    void import("chart.js/auto").then(({ default: ChartJs }) => {
      if (cancelled || !canvas.current) return;
      const colours = {
        primary: token("--brand-primary"),
        muted: token("--subtle"),
        line: token("--line"),
        success: token("--success"),
        danger: token("--danger"),
        warning: token("--warning"),
      };
      ChartJs.defaults.font.family = "Inter, system-ui, sans-serif";
      ChartJs.defaults.color = colours.muted;
      ChartJs.defaults.borderColor = colours.line;
      if (window.matchMedia("(prefers-reduced-motion: reduce)").matches) ChartJs.defaults.animation = false;
      chart = new ChartJs(canvas.current, configRef.current(colours));
      canvas.current.dataset.ready = "true";
    });
    return () => {
      cancelled = true;
      chart?.destroy();
    };
  }, []);
  return (
    <div style={{ height }} className="relative">
      {/* Compressible: a drawn canvas keeps its pixel width, which would hold a narrowing grid open. */}
      <canvas ref={canvas} role="img" aria-label={label} data-testid={testId} className="max-w-full" />
    </div>
  );
}
