/**
 * The sign-in dialog's code (React, Radix, the forms: most of a public page's script) loads only
 * when someone asks for it: a click on a `[data-login]` control, or a `?login=` link. Pointing at or
 * focusing such a control starts the download early, so the dialog opens without a wait.
 */
let loading: Promise<void> | null = null;
let mounted = false;

function load(): Promise<void> {
  loading ??= import("../components/site/mount-login")
    .then((module) => module.mountLogin())
    .then(() => {
      mounted = true;
    });
  return loading;
}

const triggerOf = (event: Event) => (event.target as Element | null)?.closest?.<HTMLElement>("[data-login]");

export function startLoginLauncher(): void {
  // The dialog reads `?login=` itself when it mounts, and opens.
  if (new URLSearchParams(window.location.search).has("login")) void load();
  const onClick = (event: MouseEvent) => {
    const trigger = triggerOf(event);
    if (!trigger || mounted) return;
    event.preventDefault();
    trigger.setAttribute("aria-busy", "true");
    // Once mounted, the dialog listens for clicks itself: the same click, replayed, opens it.
    void load().then(() => {
      trigger.removeAttribute("aria-busy");
      trigger.click();
    });
  };
  const warm = (event: Event) => {
    if (triggerOf(event)) void load();
  };
  document.addEventListener("click", onClick);
  document.addEventListener("pointerover", warm, { passive: true });
  document.addEventListener("focusin", warm);
  document.documentElement.dataset.loginReady = "true";
}
