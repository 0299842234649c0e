import { useEffect } from "react";
import { createRoot } from "react-dom/client";
import LoginDialog from "./LoginDialog";

/** Signals once the dialog before it has run its effects (its click listener is in place). */
function Ready({ onReady }: { onReady: () => void }) {
  useEffect(() => onReady(), [onReady]);
  return null;
}

/** Renders the sign-in dialog into the page; resolves when it answers clicks and `?login=`. */
export function mountLogin(): Promise<void> {
  return new Promise((resolve) => {
    const host = document.createElement("div");
    document.body.append(host);
    createRoot(host).render(
      <>
        <LoginDialog />
        <Ready onReady={resolve} />
      </>,
    );
  });
}
