import { type FormEvent, useEffect, useState } from "react";
import { api, problemOf } from "../../lib/api";
import { formatDate } from "../../lib/format";
import { toast } from "../../lib/toast";
import type { Page, Role, User } from "../../lib/types";
import { Icon } from "../ui/Icon";
import { Modal } from "../ui/Modal";
import { Spinner } from "../ui/Spinner";
import { Badge, EmptyState, Resource, SkeletonRows, useLoad } from "../ui/states";
import { TableFrame } from "../ui/TableFrame";

export default function Users() {
  const [search, setSearch] = useState("");
  const [query, setQuery] = useState("");
  const [role, setRole] = useState<"" | Role>("student");
  const [more, setMore] = useState<{ items: User[]; cursor: string | null }>({ items: [], cursor: null });
  const users = useLoad(
    () => api().get<Page<User>>("/api/admin/users", { query: { search: query, role, limit: 25 } }),
    [query, role],
  );
  const [creating, setCreating] = useState(false);

  useEffect(() => {
    const timer = setTimeout(() => setQuery(search.trim()), 300);
    return () => clearTimeout(timer);
  }, [search]);
  useEffect(() => {
    if (users.status === "ready") setMore({ items: [], cursor: users.data.nextCursor });
  }, [users.status, users.data]);

  async function loadMore() {
    if (!more.cursor) return;
    const page = await api().get<Page<User>>("/api/admin/users", {
      query: { search: query, role, limit: 25, cursor: more.cursor },
    });
    setMore({ items: [...more.items, ...page.items], cursor: page.nextCursor });
  }

  return (
    <div className="space-y-5">
      <div className="card flex flex-col gap-3 p-4 sm:flex-row sm:items-center">
        <div className="relative flex-1">
          <label htmlFor="user-search" className="sr-only">
            Search by name or email
          </label>
          <Icon
            name="search"
            className="pointer-events-none absolute left-3.5 top-1/2 h-5 w-5 -translate-y-1/2 text-subtle"
          />
          <input
            id="user-search"
            type="search"
            className="field pl-11"
            placeholder="Search by name or email"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
        </div>
        <label htmlFor="role-filter" className="sr-only">
          Role
        </label>
        <select
          id="role-filter"
          className="field sm:w-44"
          value={role}
          onChange={(e) => setRole(e.target.value as Role | "")}
        >
          <option value="">Every role</option>
          <option value="student">Students</option>
          <option value="instructor">Instructors</option>
          <option value="admin">Admins</option>
        </select>
        <button type="button" className="btn-primary" onClick={() => setCreating(true)}>
          <Icon name="plus" className="h-4 w-4" /> New staff account
        </button>
      </div>
      <Resource
        state={users.state}
        onRetry={users.reload}
        skeleton={<SkeletonRows rows={6} className="h-12" />}
      >
        {(page) => {
          const list = [...page.items, ...more.items];
          if (list.length === 0)
            return (
              <EmptyState icon="users" title={query ? "Nobody matches" : "No users yet"}>
                {query
                  ? "Try part of a name or an email address."
                  : "Students appear here when they register."}
              </EmptyState>
            );
          return (
            <TableFrame label="Users" className="card">
              <table className="w-full min-w-[40rem] text-left text-sm">
                <thead className="border-b border-line text-xs uppercase tracking-wider text-muted">
                  <tr>
                    <th className="px-5 py-3 font-semibold">Name</th>
                    <th className="px-5 py-3 font-semibold">Email</th>
                    <th className="px-5 py-3 font-semibold">Role</th>
                    <th className="px-5 py-3 font-semibold">Joined</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-line">
                  {list.map((u) => (
                    <tr key={u.id}>
                      <td className="px-5 py-3 font-medium">{u.name}</td>
                      <td className="px-5 py-3 text-muted">{u.email}</td>
                      <td className="px-5 py-3">
                        <Badge
                          tone={
                            u.role === "admin" ? "danger" : u.role === "instructor" ? "primary" : "neutral"
                          }
                        >
                          {u.role}
                        </Badge>
                      </td>
                      <td className="px-5 py-3 text-muted">{formatDate(u.createdAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {more.cursor && (
                <div className="border-t border-line p-3 text-center">
                  <button type="button" className="btn-ghost btn-sm" onClick={loadMore}>
                    Load more
                  </button>
                </div>
              )}
            </TableFrame>
          );
        }}
      </Resource>
      <CreateUser open={creating} onOpenChange={setCreating} onCreated={() => users.reload()} />
    </div>
  );
}

function CreateUser({
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
