/** Counts `[data-countup]` figures up from zero when they scroll into view; instant under reduced motion. */
export function startCountUps(): void {
  const figures = document.querySelectorAll<HTMLElement>("[data-countup]");
  if (window.matchMedia("(prefers-reduced-motion: reduce)").matches) return;
  const format = new Intl.NumberFormat("en-US");
  const run = (el: HTMLElement) => {
    const target = Number(el.dataset.countup ?? 0);
    const started = performance.now();
    const duration = 1200;
    const step = (now: number) => {
      const t = Math.min(1, (now - started) / duration);
      el.textContent = format.format(Math.round(target * (1 - (1 - t) ** 3)));
      if (t < 1) requestAnimationFrame(step);
    };
    requestAnimationFrame(step);
  };
  const observer = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      if (!entry.isIntersecting) continue;
      observer.unobserve(entry.target);
      run(entry.target as HTMLElement);
    }
  });
  for (const el of Array.from(figures)) {
    el.textContent = "0";
    observer.observe(el);
  }
}
