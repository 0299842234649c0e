import { type FormEvent, useState } from "react";
import { api, problemOf } from "../../lib/api";
import { useHydrated } from "../../lib/hooks";
import { fieldErrors } from "../../lib/problems";
import { Spinner } from "../ui/Spinner";

/** What the mailed link is for: resetting a forgotten password, or an invited person's first one. */
type Purpose = "reset" | "invitation";

const ROUTES: Record<Purpose, string> = {
  reset: "/api/auth/password-reset/confirm",
  invitation: "/api/auth/invitations/accept",
};

/**
 * The form behind a mailed link: a new password. After a reset, on to sign in; after an
 * invitation, the person is signed in and goes to their dashboard.
 */
export default function NewPassword({ token, purpose = "reset" }: { token: string; purpose?: Purpose }) {
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const ready = useHydrated();

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (password.length < 8) return setErrors({ password: "Use at least 8 characters." });
    setBusy(true);
    try {
      const result = (await api().post(ROUTES[purpose], { token, password }, { allowAnonymous: true })) as {
        user?: { role?: string };
      };
      if (purpose === "invitation") return window.location.assign(`/${result.user?.role ?? "dashboard"}`);
      setDone(true);
    } catch (error) {
      const problem = problemOf(error);
      setErrors(
        problem.status === 410 || problem.status === 404
          ? {
              form:
                purpose === "invitation"
                  ? "This invitation has been used or has expired. Ask the person who invited you to send a new one."
                  : "This link has been used or has expired. Ask for a new one from the sign-in dialog.",
            }
          : fieldErrors(problem, ["password"]),
      );
    } finally {
      setBusy(false);
    }
  }

  if (!token || done)
    return (
      <div className="card mt-8 space-y-4 p-6" role={done ? "status" : undefined}>
        <p>
          {done
            ? "Your password is changed. Sign in with it now."
            : purpose === "invitation"
              ? "This page needs the link from your invitation email."
              : "This page needs the link from the email. Ask for one with “Forgot password?” in the sign-in dialog."}
        </p>
        <button type="button" className="btn-primary w-full" data-login="student">
          Sign in
        </button>
      </div>
    );

  return (
    <form noValidate onSubmit={submit} className="card mt-8 space-y-4 p-6">
      {errors.form && (
        <p role="alert" className="rounded-xl bg-danger-soft p-3 text-sm text-danger">
          {errors.form}
        </p>
      )}
      <div>
        <label className="label" htmlFor="new-password">
          New password
        </label>
        <input
          id="new-password"
          type="password"
          className="field"
          autoComplete="new-password"
          disabled={!ready}
          value={password}
          onChange={(e) => {
            setPassword(e.target.value);
            setErrors({});
          }}
          aria-invalid={Boolean(errors.password)}
          aria-describedby={errors.password ? "new-password-error" : undefined}
        />
        {errors.password && (
          <p id="new-password-error" className="mt-1 text-sm text-danger">
            {errors.password}
          </p>
        )}
      </div>
      <button type="submit" className="btn-primary w-full" disabled={busy || !ready}>
        {busy && <Spinner />}{" "}
        {purpose === "invitation" ? "Set my password and sign in" : "Save the new password"}
      </button>
    </form>
  );
}
