import type { ReactNode } from "react";

/**
 * A horizontally scrollable frame for a wide table, reachable by keyboard (WCAG 2.1.1). Positioned,
 * so visually hidden header text (absolutely placed) scrolls with the table instead of widening the page.
 */
export function TableFrame({
  label,
  className = "",
  children,
}: {
  label: string;
  className?: string;
  children: ReactNode;
}) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must take focus so keyboard users can scroll it
    <section tabIndex={0} aria-label={label} className={`relative overflow-x-auto ${className}`}>
      {children}
    </section>
  );
}
