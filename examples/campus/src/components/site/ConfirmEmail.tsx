import { useEffect, useRef, useState } from "react";
import { api, problemOf } from "../../lib/api";
import type { User } from "../../lib/types";
import { Spinner } from "../ui/Spinner";

type Outcome =
  | { kind: "working" }
  | { kind: "confirmed"; email: string }
  | { kind: "expired" }
  | { kind: "taken" }
  | { kind: "missing" }
  | { kind: "failed"; detail: string };

/**
 * Uses the mailed email-change link. It runs in the browser, not on the server's GET, so a mail
 * scanner that only fetches the link does not use it up.
 */
export default function ConfirmEmail({ token }: { token: string }) {
  const [outcome, setOutcome] = useState<Outcome>(token ? { kind: "working" } : { kind: "missing" });
  const started = useRef(false);

  useEffect(() => {
    if (!token || started.current) return;
    started.current = true;
    api()
      .post<{ user: User }>("/api/auth/email/confirm", { token }, { allowAnonymous: true })
      .then(({ user }) => setOutcome({ kind: "confirmed", email: user.email }))
      .catch((error) => {
        const problem = problemOf(error);
        if (problem.status === 410 || problem.status === 404) setOutcome({ kind: "expired" });
        else if (problem.status === 409) setOutcome({ kind: "taken" });
        else setOutcome({ kind: "failed", detail: problem.detail ?? problem.title });
      });
  }, [token]);

  if (outcome.kind === "working")
    return (
      <p className="card mt-8 flex items-center gap-3 p-6" role="status">
        <Spinner /> Confirming your new address…
      </p>
    );

  const message = {
    confirmed:
      outcome.kind === "confirmed" &&
      `Your email address is now ${outcome.email}. Sign in with it from now on; your password stays the same.`,
    expired:
      "This link has been used already or has expired (links work once, for 24 hours). Your address has not changed. Ask for a new link on your profile page.",
    taken:
      "Another account already uses this address, so yours has not changed. Choose a different address on your profile page.",
    missing: "This page needs the link from the email we sent to your new address.",
    failed: outcome.kind === "failed" && `Your address could not be confirmed. ${outcome.detail}`,
  }[outcome.kind];

  return (
    <div
      className={`card mt-8 space-y-4 p-6 ${outcome.kind === "confirmed" ? "" : "border-warning"}`}
      role={outcome.kind === "confirmed" ? "status" : "alert"}
      data-outcome={outcome.kind}
    >
      <p className="font-semibold">
        {outcome.kind === "confirmed" ? "Address confirmed" : "Your address has not changed"}
      </p>
      <p className="text-muted">{message}</p>
      <button type="button" className="btn-primary" data-login="student">
        Sign in
      </button>
    </div>
  );
}
