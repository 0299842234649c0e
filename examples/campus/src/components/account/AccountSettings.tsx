import { type FormEvent, useId, useState } from "react";
import { api, problemOf } from "../../lib/api";
import { useHydrated } from "../../lib/hooks";
import { fieldErrors } from "../../lib/problems";
import { toast } from "../../lib/toast";
import type { User } from "../../lib/types";
import { Spinner } from "../ui/Spinner";
import { Card } from "../ui/states";
import { Field, Outcome } from "./fields";
import Sessions from "./Sessions";

type Errors = Record<string, string>;

/**
 * The signed-in person's own account: name, password, email address and where they are signed in.
 * One island, so a password change (which signs out every other device) refreshes the session list.
 */
export default function AccountSettings({ user }: { user: User }) {
  const [sessionsVersion, setSessionsVersion] = useState(0);
  const ready = useHydrated();
  return (
    <fieldset disabled={!ready} className="min-w-0 space-y-6">
      <NameForm user={user} />
      <PasswordForm onChanged={() => setSessionsVersion((v) => v + 1)} />
      <EmailForm user={user} />
      <Sessions version={sessionsVersion} />
    </fieldset>
  );
}

function NameForm({ user }: { user: User }) {
  const id = useId();
  const [name, setName] = useState(user.name);
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Errors>({});
  const [done, setDone] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setErrors({});
    setDone(null);
    if (!name.trim()) return setErrors({ name: "Enter your name." });
    setBusy(true);
    try {
      const { user: changed } = await api().patch<{ user: User }>("/api/auth/me", { name: name.trim() });
      setName(changed.name);
      setDone(`Your name is now ${changed.name}.`);
      // The top bar was rendered with the old name.
      for (const el of document.querySelectorAll("[data-user-name]")) el.textContent = changed.name;
    } catch (error) {
      setErrors(fieldErrors(problemOf(error), ["name"]));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card title="Your name">
      <form onSubmit={submit} noValidate className="space-y-4">
        <Field
          id={`${id}-name`}
          label="Name"
          autoComplete="name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={errors.name}
          hint="Shown to your instructors and on the certificates issued from now on."
        />
        <Outcome text={errors.form ?? null} tone="error" />
        <Outcome text={done} tone="success" />
        <button type="submit" className="btn-primary" disabled={busy}>
          {busy && <Spinner />} Save name
        </button>
      </form>
    </Card>
  );
}

function PasswordForm({ onChanged }: { onChanged: () => void }) {
  const id = useId();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Errors>({});
  const [done, setDone] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setErrors({});
    setDone(null);
    const missing: Errors = {};
    if (!current) missing.currentPassword = "Enter your current password.";
    if (next.length < 8) missing.newPassword = "Use at least 8 characters.";
    if (Object.keys(missing).length) return setErrors(missing);
    setBusy(true);
    try {
      const { endedSessions } = await api().post<{ endedSessions: number }>("/api/auth/password", {
        currentPassword: current,
        newPassword: next,
      });
      setCurrent("");
      setNext("");
      setDone(
        endedSessions === 0
          ? "Your password is changed. You were not signed in anywhere else."
          : `Your password is changed. ${endedSessions === 1 ? "Your other session was" : `Your ${endedSessions} other sessions were`} signed out.`,
      );
      toast("Password changed", "success", "We sent a note to your email address.");
      onChanged();
    } catch (error) {
      setErrors(fieldErrors(problemOf(error), ["currentPassword", "newPassword"]));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card title="Password">
      <form onSubmit={submit} noValidate className="space-y-4">
        <div className="grid gap-4 sm:grid-cols-2">
          <Field
            id={`${id}-current`}
            label="Current password"
            type="password"
            autoComplete="current-password"
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
            error={errors.currentPassword}
          />
          <Field
            id={`${id}-new`}
            label="New password"
            type="password"
            autoComplete="new-password"
            value={next}
            onChange={(e) => setNext(e.target.value)}
            error={errors.newPassword}
            hint="At least 8 characters. Every other device is signed out."
          />
        </div>
        <Outcome text={errors.form ?? null} tone="error" />
        <Outcome text={done} tone="success" />
        <button type="submit" className="btn-primary" disabled={busy}>
          {busy && <Spinner />} Change password
        </button>
      </form>
    </Card>
  );
}

function EmailForm({ user }: { user: User }) {
  const id = useId();
  const [newEmail, setNewEmail] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Errors>({});
  const [sentTo, setSentTo] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setErrors({});
    setSentTo(null);
    const missing: Errors = {};
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(newEmail.trim()))
      missing.newEmail = "Enter an email address like name@example.com.";
    if (!password) missing.password = "Enter your password to confirm.";
    if (Object.keys(missing).length) return setErrors(missing);
    setBusy(true);
    try {
      await api().post("/api/auth/email", { newEmail: newEmail.trim(), password });
      setSentTo(newEmail.trim());
      setPassword("");
    } catch (error) {
      const found = fieldErrors(problemOf(error), ["newEmail", "password", "currentPassword"]);
      // The API names the typed-again password `currentPassword` in every form that asks for it.
      if (found.currentPassword) found.password = found.currentPassword;
      delete found.currentPassword;
      setErrors(found);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card title="Email address">
      <p className="mb-4 text-sm text-muted">
        You sign in with <span className="font-medium text-ink">{user.email}</span>. A new address takes
        effect when you open the link we send to it.
      </p>
      <form onSubmit={submit} noValidate className="space-y-4">
        <div className="grid gap-4 sm:grid-cols-2">
          <Field
            id={`${id}-email`}
            label="New email address"
            type="email"
            autoComplete="email"
            value={newEmail}
            onChange={(e) => setNewEmail(e.target.value)}
            error={errors.newEmail}
          />
          <Field
            id={`${id}-password`}
            label="Your password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            error={errors.password}
          />
        </div>
        <Outcome text={errors.form ?? null} tone="error" />
        <Outcome
          text={
            sentTo &&
            `We sent a link to ${sentTo}. Open it within 24 hours to start using that address; until then, keep signing in with ${user.email}.`
          }
          tone="success"
        />
        <button type="submit" className="btn-primary" disabled={busy}>
          {busy && <Spinner />} Send the link
        </button>
      </form>
    </Card>
  );
}
