import { type FormEvent, useState } from "react";
import { api, problemOf } from "../../lib/api";
import { toast } from "../../lib/toast";
import type { Role } from "../../lib/types";
import { Modal } from "../ui/Modal";
import { Spinner } from "../ui/Spinner";

/** "New staff account": an instructor or admin, invited by email to set a password. */
export function CreateUser({
  open,
  onOpenChange,
  onCreated,
}: {
  open: boolean;
  onOpenChange: (o: boolean) => void;
  onCreated: () => void;
}) {
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("instructor");
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    try {
      await api().post("/api/admin/users", { name: name.trim(), email: email.trim(), role });
      toast("Invitation sent", "success", `${email} will receive a link to set a password.`);
      onOpenChange(false);
      setName("");
      setEmail("");
      onCreated();
    } catch (error) {
      const problem = problemOf(error);
      const found: Record<string, string> = {};
      for (const item of problem.errors ?? []) found[item.path] = item.message;
      if (Object.keys(found).length === 0) found.form = problem.detail ?? problem.title;
      setErrors(found);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      open={open}
      onOpenChange={onOpenChange}
      title="New staff account"
      description="Instructors and admins get an invitation by email to set their password."
    >
      <form onSubmit={submit} className="space-y-4" noValidate>
        {errors.form && (
          <p role="alert" className="rounded-xl bg-danger-soft p-3 text-sm text-danger">
            {errors.form}
          </p>
        )}
        <div>
          <label className="label" htmlFor="new-name">
            Name
          </label>
          <input
            id="new-name"
            className="field"
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
          />
          {errors.name && <p className="mt-1 text-sm text-danger">{errors.name}</p>}
        </div>
        <div>
          <label className="label" htmlFor="new-email">
            Email
          </label>
          <input
            id="new-email"
            type="email"
            className="field"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            required
          />
          {errors.email && <p className="mt-1 text-sm text-danger">{errors.email}</p>}
        </div>
        <fieldset>
          <legend className="label">Role</legend>
          <div className="grid grid-cols-2 gap-2">
            {(["instructor", "admin"] as const).map((r) => (
              <label
                key={r}
                className={`flex cursor-pointer items-center gap-2 rounded-xl border px-3 py-2.5 text-sm ${role === r ? "border-primary bg-primary-softer" : "border-line"}`}
              >
                <input
                  type="radio"
                  name="new-role"
                  checked={role === r}
                  onChange={() => setRole(r)}
                  className="accent-[var(--brand-primary)]"
                />
                {r === "admin" ? "Administrator" : "Instructor"}
              </label>
            ))}
          </div>
        </fieldset>
        <div className="flex justify-end gap-2 pt-2">
          <button type="button" className="btn-secondary" onClick={() => onOpenChange(false)}>
            Cancel
          </button>
          <button type="submit" className="btn-primary" disabled={busy}>
            {busy && <Spinner />} Send invitation
          </button>
        </div>
      </form>
    </Modal>
  );
}
