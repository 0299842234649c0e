import { useId, useRef, useState } from "react";
import { api, LecternApiError } from "../../lib/api";
import { useHydrated } from "../../lib/hooks";
import { toast } from "../../lib/toast";
import { Icon } from "../ui/Icon";
import { ConfirmDialog } from "../ui/Modal";
import { Card } from "../ui/states";

/**
 * "Your data" on the profile page: a copy of everything kept about the person, mailed as a link,
 * and erasing the account after the password is confirmed. Its own island, beside the profile.
 */
export default function YourData({ email }: { email: string }) {
  const ids = useId();
  const [exporting, setExporting] = useState(false);
  const ready = useHydrated();
  const [open, setOpen] = useState(false);
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [passwordError, setPasswordError] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const passwordRef = useRef<HTMLInputElement>(null);

  async function download() {
    setExporting(true);
    try {
      await api().get("/api/me/export");
      toast(
        "We are preparing your data",
        "success",
        `A download link will arrive at ${email} in a few minutes.`,
      );
    } catch (error) {
      const detail = error instanceof LecternApiError ? error.problem.detail : undefined;
      toast("Your data could not be prepared", "error", detail ?? "Try again in a moment.");
    } finally {
      setExporting(false);
    }
  }

  async function erase() {
    setPasswordError(null);
    setFormError(null);
    if (!password) {
      setPasswordError("Enter your password to confirm.");
      passwordRef.current?.focus();
      return;
    }
    setBusy(true);
    try {
      await api().delete("/api/me", { body: { password } });
      window.location.assign("/?account=deleted");
    } catch (error) {
      setBusy(false);
      setPassword("");
      const problem = error instanceof LecternApiError ? error.problem : null;
      if (problem?.status === 403 || problem?.errors?.some((e) => e.path === "password")) {
        setPasswordError(
          problem.status === 403 ? "That password is not correct." : (problem.errors?.[0]?.message ?? ""),
        );
      } else {
        setFormError(problem?.detail ?? "Your account could not be deleted. Try again.");
      }
      requestAnimationFrame(() => passwordRef.current?.focus());
    }
  }

  return (
    <Card title="Your data">
      <div className="space-y-5 text-sm">
        <div className="flex flex-col gap-3 sm:flex-row sm:items-center sm:justify-between">
          <p className="text-muted">
            Get a copy of everything this campus keeps about you: courses, progress, exam answers and marks,
            certificates, payments, attendance and conversations.
          </p>
          <button
            type="button"
            className="btn-secondary shrink-0"
            onClick={download}
            disabled={exporting || !ready}
          >
            <Icon name="download" className="h-4 w-4" />
            {exporting ? "Preparing…" : "Download my data"}
          </button>
        </div>
        <div className="flex flex-col gap-3 border-t border-line pt-5 sm:flex-row sm:items-center sm:justify-between">
          <p className="text-muted">
            Delete your account and the personal data in it. Certificates already issued stay verifiable, and
            payment records are kept without your name.
          </p>
          <button
            type="button"
            className="btn-danger shrink-0"
            onClick={() => setOpen(true)}
            disabled={!ready}
          >
            Delete my account
          </button>
        </div>
      </div>
      <ConfirmDialog
        open={open}
        onOpenChange={(value) => {
          setOpen(value);
          if (!value) {
            setPassword("");
            setPasswordError(null);
            setFormError(null);
          }
        }}
        title="Delete your account?"
        description="This cannot be undone. You will be signed out everywhere."
        confirmLabel={busy ? "Deleting…" : "Delete my account"}
        danger
        busy={busy}
        onConfirm={erase}
      >
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void erase();
          }}
          noValidate
        >
          <ul className="mb-4 list-disc space-y-1 pl-5 text-sm text-muted">
            <li>Your enrollments, progress, exam answers, attendance and conversations are deleted.</li>
            <li>Issued certificates keep the name they were issued to, so they can still be verified.</li>
            <li>Payments keep their amounts for the accounts office, without your name or address.</li>
          </ul>
          <label htmlFor={`${ids}-password`} className="label">
            Your password
          </label>
          <input
            ref={passwordRef}
            id={`${ids}-password`}
            type="password"
            className="field"
            autoComplete="current-password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            aria-invalid={passwordError ? true : undefined}
            aria-describedby={passwordError ? `${ids}-password-error` : undefined}
          />
          {passwordError && (
            <p id={`${ids}-password-error`} className="mt-1.5 flex items-center gap-1.5 text-sm text-danger">
              <Icon name="alert" className="h-4 w-4" />
              {passwordError}
            </p>
          )}
          {formError && (
            <p role="alert" className="mt-3 text-sm text-danger">
              {formError}
            </p>
          )}
        </form>
      </ConfirmDialog>
    </Card>
  );
}
