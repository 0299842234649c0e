import { useState } from "react";
import { api, problemOf } from "../../lib/api";
import { problemSentence } from "../../lib/problems";
import { toast } from "../../lib/toast";
import type { AdminUser, Role } from "../../lib/types";
import { ConfirmDialog } from "../ui/Modal";

export type UserAction = { kind: "role" | "suspend" | "reactivate"; user: AdminUser };

const ROLE_LABEL: Record<Role, string> = {
  student: "Student",
  instructor: "Instructor",
  admin: "Administrator",
};

/** Why a change was refused, as a sentence: the last-admin rule is the one admins meet. */
function refusal(error: unknown): string {
  const problem = problemOf(error);
  if (problem.status === 409 && problem.detail) return problem.detail;
  return problemSentence(problem);
}

/** Asks before a role change, a suspension or a reactivation, and says why one was refused. */
export function UserActionDialog({
  action,
  onClose,
  onChanged,
}: {
  action: UserAction | null;
  onClose: () => void;
  onChanged: () => void;
}) {
  const [role, setRole] = useState<Role>("student");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  // Reset while rendering, not in an effect: an effect runs after the dialog is painted, and a
  // choice made in between (a quick click) would be overwritten with the user's current role.
  const [shownFor, setShownFor] = useState<UserAction | null>(null);
  if (action !== shownFor) {
    setShownFor(action);
    if (action) setRole(action.user.role);
    setError(null);
  }

  if (!action) return null;
  const { user, kind } = action;

  async function confirm() {
    // The same role again changes nothing: no request, no audit entry.
    if (kind === "role" && role === user.role) return onClose();
    setBusy(true);
    setError(null);
    try {
      const body = kind === "role" ? { role } : { suspended: kind === "suspend" };
      await api().patch(`/api/admin/users/${user.id}`, body);
      toast(
        kind === "role"
          ? `${user.name} is now ${ROLE_LABEL[role].toLowerCase()}`
          : kind === "suspend"
            ? `${user.name} is suspended`
            : `${user.name} can sign in again`,
        "success",
      );
      onChanged();
      onClose();
    } catch (failure) {
      setError(refusal(failure));
    } finally {
      setBusy(false);
    }
  }

  const text = {
    role: {
      title: `Change the role of ${user.name}`,
      description: "The new role applies from their next click; what they can see changes with it.",
      confirm: "Change role",
    },
    suspend: {
      title: `Suspend ${user.name}?`,
      description:
        "They are signed out everywhere at once and cannot sign in until you reactivate the account. Nothing is deleted.",
      confirm: "Suspend",
    },
    reactivate: {
      title: `Reactivate ${user.name}?`,
      description: "They can sign in again with their password.",
      confirm: "Reactivate",
    },
  }[kind];

  return (
    <ConfirmDialog
      open
      onOpenChange={(open) => !open && onClose()}
      title={text.title}
      description={text.description}
      confirmLabel={busy ? "Saving…" : text.confirm}
      danger={kind === "suspend"}
      busy={busy}
      onConfirm={confirm}
    >
      {kind === "role" && (
        <fieldset>
          <legend className="label">Role</legend>
          <div className="grid gap-2 sm:grid-cols-3">
            {(Object.keys(ROLE_LABEL) as Role[]).map((r) => (
              <label
                key={r}
                className={`flex cursor-pointer items-center gap-2 rounded-xl border px-3 py-2.5 text-sm ${role === r ? "border-primary bg-primary-softer" : "border-line"}`}
              >
                <input
                  type="radio"
                  name="user-role"
                  checked={role === r}
                  onChange={() => setRole(r)}
                  className="accent-[var(--brand-primary)]"
                />
                {ROLE_LABEL[r]}
              </label>
            ))}
          </div>
        </fieldset>
      )}
      {error && (
        <p role="alert" className="mt-4 rounded-xl bg-danger-soft p-3 text-sm text-danger">
          {error}
        </p>
      )}
    </ConfirmDialog>
  );
}
