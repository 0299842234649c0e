import { type FormEvent, useEffect, useState } from "react";
import { api, problemOf } from "../../lib/api";
import { problemSentence } from "../../lib/problems";
import { Icon } from "../ui/Icon";
import { Spinner } from "../ui/Spinner";

/**
 * "Forgot password?" inside the sign-in dialog: asks for the email and mails a reset link. The API
 * answers alike whether or not the account exists, and so does this form.
 */
export function ForgotPassword({
  initialEmail,
  idPrefix,
  onBack,
}: {
  initialEmail: string;
  idPrefix: string;
  onBack: () => void;
}) {
  const [email, setEmail] = useState(initialEmail);
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Opened from "Forgot password?": the email field is where the person goes next.
  useEffect(() => document.getElementById(`${idPrefix}-reset-email`)?.focus(), [idPrefix]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim())) {
      setError("Enter an email address like name@example.com.");
      document.getElementById(`${idPrefix}-reset-email`)?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api().post("/api/auth/password-reset", { email: email.trim() }, { allowAnonymous: true });
      setSent(email.trim());
    } catch (failure) {
      setError(problemSentence(problemOf(failure)));
    } finally {
      setBusy(false);
    }
  }

  if (sent)
    return (
      <div className="space-y-4" data-testid="reset-sent">
        <p role="status" className="rounded-xl bg-success-soft px-3.5 py-3 text-sm text-ink">
          If an account uses <strong>{sent}</strong>, a link to choose a new password is on its way. It works
          once, within an hour.
        </p>
        <button type="button" className="btn-secondary w-full" onClick={onBack}>
          Back to sign in
        </button>
      </div>
    );

  return (
    <form noValidate onSubmit={submit} className="space-y-4" aria-busy={busy}>
      <div>
        <label htmlFor={`${idPrefix}-reset-email`} className="label">
          Email
        </label>
        <input
          id={`${idPrefix}-reset-email`}
          className="field"
          type="email"
          autoComplete="email"
          inputMode="email"
          value={email}
          onChange={(e) => {
            setEmail(e.target.value);
            setError(null);
          }}
          aria-invalid={Boolean(error)}
          aria-describedby={error ? `${idPrefix}-reset-error` : undefined}
        />
        {error && (
          <p id={`${idPrefix}-reset-error`} className="mt-1.5 flex items-center gap-1.5 text-sm text-danger">
            <Icon name="alert" className="h-4 w-4" />
            {error}
          </p>
        )}
      </div>
      <button type="submit" className="btn-primary w-full py-3" disabled={busy}>
        {busy && <Spinner />} Send the reset link
      </button>
      <p className="text-center text-sm text-muted">
        Remembered it?{" "}
        <button
          type="button"
          className="font-semibold text-primary-ink underline-offset-4 hover:underline"
          onClick={onBack}
        >
          Sign in
        </button>
      </p>
    </form>
  );
}
