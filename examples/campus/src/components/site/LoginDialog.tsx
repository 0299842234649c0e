import * as Dialog from "@radix-ui/react-dialog";
import * as Tabs from "@radix-ui/react-tabs";
import { type FormEvent, useEffect, useId, useRef, useState } from "react";
import { api, LecternApiError } from "../../lib/api";
import { problemSentence } from "../../lib/problems";
import type { Role, User } from "../../lib/types";
import { Icon } from "../ui/Icon";
import { Spinner } from "../ui/Spinner";
import { ForgotPassword } from "./ForgotPassword";
import { SsoButtons, ssoErrorMessage, useSsoProviders } from "./SsoSignIn";

const ROLES: { value: Role; label: string; hint: string }[] = [
  { value: "student", label: "Student", hint: "Learn, take exams and earn certificates." },
  { value: "instructor", label: "Instructor", hint: "Create courses, exams and grade your students." },
  { value: "admin", label: "Admin", hint: "Approve courses and certificates, manage users." },
];

type FieldErrors = Partial<Record<"name" | "email" | "password", string>>;

/** Only same-site paths: a `next` from the query must not send anyone to another site. */
function safeNext(next: string | null): string | null {
  return next?.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") ? next : null;
}

function isRole(value: string | null | undefined): value is Role {
  return value === "student" || value === "instructor" || value === "admin";
}

export default function LoginDialog() {
  const [open, setOpen] = useState(false);
  const [role, setRole] = useState<Role>("student");
  const [mode, setMode] = useState<"signin" | "register" | "reset">("signin");
  const [next, setNext] = useState<string | null>(null);
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const passwordRef = useRef<HTMLInputElement>(null);
  const contentRef = useRef<HTMLDivElement>(null);
  // Radix returns focus only to its own Trigger; our triggers are plain buttons anywhere on the page.
  const triggerRef = useRef<HTMLElement | null>(null);
  const ids = useId();
  const sso = useSsoProviders();

  useEffect(() => {
    const params = new URLSearchParams(window.location.search);
    const wanted = params.get("login");
    if (wanted !== null) {
      setRole(isRole(wanted) ? wanted : "student");
      setMode(params.get("register") === "1" ? "register" : "signin");
      setNext(safeNext(params.get("next")));
      if (params.get("expired") === "1") setFormError("Your session has ended. Sign in again to continue.");
      const ssoError = ssoErrorMessage(params.get("sso_error"));
      if (ssoError) setFormError(ssoError);
      setOpen(true);
    }
    const onClick = (event: MouseEvent) => {
      const trigger = (event.target as Element | null)?.closest<HTMLElement>("[data-login]");
      if (!trigger) return;
      event.preventDefault();
      triggerRef.current = trigger;
      const wantedRole = trigger.dataset.login;
      setRole(isRole(wantedRole) ? wantedRole : "student");
      setMode(trigger.dataset.register === "true" ? "register" : "signin");
      setNext(safeNext(trigger.dataset.next ?? null));
      setErrors({});
      setFormError(null);
      setOpen(true);
    };
    document.addEventListener("click", onClick);
    document.documentElement.dataset.loginReady = "true";
    return () => document.removeEventListener("click", onClick);
  }, []);

  const registering = role === "student" && mode === "register";

  function validate(): FieldErrors {
    const found: FieldErrors = {};
    if (registering && name.trim().length === 0) found.name = "Enter your name.";
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim()))
      found.email = "Enter an email address like name@example.com.";
    if (password.length === 0) found.password = "Enter your password.";
    else if (registering && password.length < 8) found.password = "Use at least 8 characters.";
    return found;
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setFormError(null);
    const found = validate();
    setErrors(found);
    if (Object.keys(found).length > 0) {
      document.getElementById(`${ids}-${Object.keys(found)[0]}`)?.focus();
      return;
    }
    setBusy(true);
    try {
      const result = registering
        ? await api().post<{ user: User }>(
            "/api/auth/register",
            { name: name.trim(), email: email.trim(), password },
            { allowAnonymous: true },
          )
        : await api().post<{ user: User }>(
            "/api/auth/login",
            { email: email.trim(), password, role },
            { allowAnonymous: true },
          );
      window.location.assign(next ?? `/${result.user.role}`);
    } catch (error) {
      setBusy(false);
      setPassword("");
      if (error instanceof LecternApiError) {
        const problem = error.problem;
        const fieldErrors: FieldErrors = {};
        for (const item of problem.errors ?? []) {
          const field = item.path.split(".")[0];
          if (field === "name" || field === "email" || field === "password")
            fieldErrors[field] = item.message;
        }
        setErrors(fieldErrors);
        if (problem.status === 429) setFormError(problem.detail ?? "Too many attempts. Try again later.");
        else if (problem.status === 401) setFormError(problem.detail ?? problem.title);
        else if (Object.keys(fieldErrors).length === 0) setFormError(problemSentence(problem));
      } else {
        setFormError("Something went wrong. Try again.");
      }
      requestAnimationFrame(() => passwordRef.current?.focus());
    }
  }

  const field = (key: keyof FieldErrors, label: string, input: React.ReactNode) => (
    <div>
      <label htmlFor={`${ids}-${key}`} className="label">
        {label}
      </label>
      {input}
      {errors[key] && (
        <p id={`${ids}-${key}-error`} className="mt-1.5 flex items-center gap-1.5 text-sm text-danger">
          <Icon name="alert" className="h-4 w-4" />
          {errors[key]}
        </p>
      )}
    </div>
  );
  const describedBy = (key: keyof FieldErrors) => (errors[key] ? `${ids}-${key}-error` : undefined);
  const credentials = (
    <form noValidate onSubmit={submit} className="space-y-4" aria-busy={busy}>
      {formError && (
        <div
          role="alert"
          className="flex items-start gap-2 rounded-xl bg-danger-soft px-3.5 py-3 text-sm text-danger"
        >
          <Icon name="alert" className="mt-0.5 h-4 w-4 shrink-0" />
          <span>{formError}</span>
        </div>
      )}
      {registering &&
        field(
          "name",
          "Full name",
          <input
            id={`${ids}-name`}
            className="field"
            autoComplete="name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            aria-invalid={Boolean(errors.name)}
            aria-describedby={describedBy("name")}
          />,
        )}
      {field(
        "email",
        "Email",
        <input
          id={`${ids}-email`}
          className="field"
          type="email"
          autoComplete="email"
          inputMode="email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          aria-invalid={Boolean(errors.email)}
          aria-describedby={describedBy("email")}
        />,
      )}
      {field(
        "password",
        "Password",
        <input
          id={`${ids}-password`}
          ref={passwordRef}
          className="field"
          type="password"
          autoComplete={registering ? "new-password" : "current-password"}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          aria-invalid={Boolean(errors.password)}
          aria-describedby={describedBy("password")}
        />,
      )}
      {!registering && (
        <p className="-mt-2 text-right text-sm">
          <button
            type="button"
            className="font-medium text-primary-ink underline-offset-4 hover:underline"
            onClick={() => {
              setMode("reset");
              setErrors({});
              setFormError(null);
            }}
          >
            Forgot password?
          </button>
        </p>
      )}
      <button type="submit" className="btn-primary w-full py-3" disabled={busy}>
        {busy && <Spinner />}
        {busy
          ? registering
            ? "Creating account…"
            : "Signing in…"
          : registering
            ? "Create account"
            : "Sign in"}
      </button>
      {role === "student" ? (
        <p className="text-center text-sm text-muted">
          {registering ? "Already have an account? " : "New here? "}
          <button
            type="button"
            className="font-semibold text-primary-ink underline-offset-4 hover:underline"
            onClick={() => {
              setMode(registering ? "signin" : "register");
              setErrors({});
              setFormError(null);
            }}
          >
            {registering ? "Sign in" : "Create an account"}
          </button>
        </p>
      ) : (
        <p className="text-center text-xs text-subtle">
          {ROLES.find((r) => r.value === role)?.label} accounts are created by an administrator, who mails you
          an invitation.
        </p>
      )}
    </form>
  );

  return (
    <Dialog.Root
      open={open}
      onOpenChange={(value) => {
        setOpen(value);
        if (!value) {
          setErrors({});
          setFormError(null);
          setBusy(false);
        }
      }}
    >
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay fixed inset-0 z-50 bg-[rgb(10_14_30/0.55)] backdrop-blur-sm" />
        <Dialog.Content
          className="dialog-content fixed left-1/2 top-1/2 z-50 max-h-[calc(100dvh-2rem)] w-[calc(100vw-2rem)] max-w-md -translate-x-1/2 -translate-y-1/2 overflow-y-auto rounded-2xl border border-line bg-surface p-6 shadow-2xl sm:p-7"
          data-testid="login-dialog"
          ref={contentRef}
          // The first field, not the close button: a person opens this dialog to type.
          onOpenAutoFocus={(event) => {
            const first = contentRef.current?.querySelector<HTMLInputElement>("form input");
            if (!first) return;
            event.preventDefault();
            first.focus();
          }}
          onCloseAutoFocus={(event) => {
            event.preventDefault();
            triggerRef.current?.focus();
          }}
        >
          <div className="mb-5 flex items-start justify-between gap-4">
            <div>
              <Dialog.Title className="text-xl font-semibold tracking-tight">
                {registering
                  ? "Create your student account"
                  : mode === "reset"
                    ? "Forgot your password?"
                    : "Welcome back"}
              </Dialog.Title>
              <Dialog.Description className="mt-1 text-sm text-muted">
                {registering
                  ? "It takes a minute, and every free course is open to you."
                  : mode === "reset"
                    ? "Enter your email and we will mail you a link to choose a new one."
                    : "Sign in to continue learning."}
              </Dialog.Description>
            </div>
            <Dialog.Close className="btn-ghost -mr-2 -mt-1 p-2" aria-label="Close">
              <Icon name="x" />
            </Dialog.Close>
          </div>

          {sso && mode !== "reset" && <SsoButtons providers={sso} next={next} />}
          {sso && !sso.passwordSignIn && formError && (
            <div
              role="alert"
              className="flex items-start gap-2 rounded-xl bg-danger-soft px-3.5 py-3 text-sm text-danger"
            >
              <Icon name="alert" className="mt-0.5 h-4 w-4 shrink-0" />
              <span>{formError}</span>
            </div>
          )}
          {sso && !sso.passwordSignIn ? null : mode === "reset" ? (
            <ForgotPassword initialEmail={email} idPrefix={ids} onBack={() => setMode("signin")} />
          ) : registering ? (
            // Only students register: no account-type tabs here.
            credentials
          ) : (
            <Tabs.Root
              value={role}
              onValueChange={(value) => {
                setRole(value as Role);
                if (value !== "student") setMode("signin");
                setErrors({});
                setFormError(null);
              }}
            >
              <Tabs.List
                aria-label="Account type"
                className="mb-5 grid grid-cols-3 gap-1 rounded-xl bg-surface-2 p-1"
              >
                {ROLES.map((r) => (
                  <Tabs.Trigger
                    key={r.value}
                    value={r.value}
                    className="rounded-lg px-3 py-2 text-sm font-medium text-muted transition data-[state=active]:bg-surface data-[state=active]:text-ink data-[state=active]:shadow-sm"
                  >
                    {r.label}
                  </Tabs.Trigger>
                ))}
              </Tabs.List>
              {ROLES.map((r) => (
                <Tabs.Content key={r.value} value={r.value} className="focus-visible:outline-none">
                  <p className="mb-4 text-sm text-muted">{r.hint}</p>
                  {r.value === role && credentials}
                </Tabs.Content>
              ))}
            </Tabs.Root>
          )}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
