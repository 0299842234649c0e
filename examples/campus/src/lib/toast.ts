export type ToastKind = "success" | "error" | "info";

const ICON: Record<ToastKind, string> = {
  success: '<path d="M20 6 9 17l-5-5"/>',
  error: '<circle cx="12" cy="12" r="9"/><path d="M12 8v5M12 16h.01"/>',
  info: '<circle cx="12" cy="12" r="9"/><path d="M12 11v5M12 8h.01"/>',
};

/**
 * Shows a toast in the page's live region (see Base.astro). Plain DOM, so any island or script can
 * call it without sharing a React tree; polite for outcomes, assertive for errors.
 */
export function toast(message: string, kind: ToastKind = "success", detail?: string): void {
  const region = document.getElementById(kind === "error" ? "toasts-assertive" : "toasts");
  if (!region) return;
  const item = document.createElement("div");
  item.className = `toast pointer-events-auto flex w-full max-w-sm items-start gap-3 rounded-xl border border-line bg-surface p-3.5 text-sm shadow-lg`;
  item.dataset.kind = kind;
  const colour = kind === "success" ? "text-success" : kind === "error" ? "text-danger" : "text-primary-ink";
  item.innerHTML = `<svg aria-hidden="true" class="mt-0.5 h-5 w-5 shrink-0 ${colour}" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">${ICON[kind]}</svg><div class="min-w-0"><p class="font-semibold text-ink"></p><p class="text-muted"></p></div>`;
  const [title, body] = Array.from(item.querySelectorAll("p"));
  title!.textContent = message;
  if (detail) body!.textContent = detail;
  else body!.remove();
  region.append(item);
  setTimeout(() => item.remove(), kind === "error" ? 8000 : 4500);
}
