import { useEffect, useState } from "react";
import { api } from "../../lib/api";
import { formatDate } from "../../lib/format";
import type { AdminUser, Page, Role } from "../../lib/types";
import { Icon } from "../ui/Icon";
import { Pager, usePager } from "../ui/Pager";
import { Badge, EmptyState, Resource, SkeletonRows, useLoad } from "../ui/states";
import { TableFrame } from "../ui/TableFrame";
import { CreateUser } from "./CreateUser";
import { ImportUsers } from "./ImportUsers";
import { type UserAction, UserActionDialog } from "./UserActions";

const PAGE_SIZE = 25;

/** A long address wraps before its "@" rather than pushing the row's actions out of sight. */
function breakableEmail(email: string) {
  const at = email.lastIndexOf("@");
  if (at <= 0) return email;
  return (
    <>
      {email.slice(0, at)}
      <wbr />
      {email.slice(at)}
    </>
  );
}

export default function Users({ me }: { me: string }) {
  const [search, setSearch] = useState("");
  const [query, setQuery] = useState("");
  const [role, setRole] = useState<"" | Role>("student");
  const pager = usePager();
  const users = useLoad(
    () =>
      api().get<Page<AdminUser>>("/api/admin/users", {
        query: { search: query, role, limit: PAGE_SIZE, cursor: pager.cursor },
      }),
    [query, role, pager.cursor],
  );
  const [creating, setCreating] = useState(false);
  const [importing, setImporting] = useState(false);
  const [action, setAction] = useState<UserAction | null>(null);

  useEffect(() => {
    const timer = setTimeout(() => setQuery(search.trim()), 300);
    return () => clearTimeout(timer);
  }, [search]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new search or role starts at page 1
  useEffect(() => pager.reset(), [query, role]);

  return (
    <div className="space-y-5">
      <div className="card flex flex-col gap-3 p-4 lg:flex-row lg:items-center">
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
          className="field lg:w-44"
          value={role}
          onChange={(e) => setRole(e.target.value as Role | "")}
        >
          <option value="">Every role</option>
          <option value="student">Students</option>
          <option value="instructor">Instructors</option>
          <option value="admin">Admins</option>
        </select>
        <div className="flex flex-wrap gap-2">
          <button type="button" className="btn-secondary" onClick={() => setImporting(true)}>
            <Icon name="upload" className="h-4 w-4" /> Import from CSV
          </button>
          <button type="button" className="btn-primary" onClick={() => setCreating(true)}>
            <Icon name="plus" className="h-4 w-4" /> New staff account
          </button>
        </div>
      </div>
      <Resource
        state={users.state}
        onRetry={users.reload}
        skeleton={<SkeletonRows rows={6} className="h-12" />}
      >
        {(page) => {
          if (page.items.length === 0)
            return (
              <EmptyState icon="users" title={query ? "Nobody matches" : "No users yet"}>
                {query
                  ? "Try part of a name or an email address."
                  : "Students appear here when they register, or import them from a CSV file."}
              </EmptyState>
            );
          return (
            <div className="card">
              <TableFrame label="Users">
                <table className="w-full min-w-[52rem] text-left text-sm">
                  <thead className="border-b border-line text-xs uppercase tracking-wider text-muted">
                    <tr>
                      <th className="px-5 py-3 font-semibold">Name</th>
                      <th className="px-5 py-3 font-semibold">Email</th>
                      <th className="px-5 py-3 font-semibold">Role</th>
                      <th className="px-5 py-3 font-semibold">Status</th>
                      <th className="px-5 py-3 font-semibold">Joined</th>
                      <th className="px-5 py-3 font-semibold">
                        <span className="sr-only">Actions</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody className="divide-y divide-line">
                    {page.items.map((u) => (
                      <tr key={u.id}>
                        <td className="whitespace-nowrap px-5 py-3 font-medium">{u.name}</td>
                        <td className="px-5 py-3 text-muted wrap-anywhere">{breakableEmail(u.email)}</td>
                        <td className="px-5 py-3">
                          <Badge
                            tone={
                              u.role === "admin" ? "danger" : u.role === "instructor" ? "primary" : "neutral"
                            }
                          >
                            {u.role}
                          </Badge>
                        </td>
                        <td className="px-5 py-3">
                          {u.suspendedAt ? (
                            <Badge tone="warning">Suspended</Badge>
                          ) : (
                            <Badge tone="success">Active</Badge>
                          )}
                        </td>
                        <td className="whitespace-nowrap px-5 py-3 text-muted">{formatDate(u.createdAt)}</td>
                        <td className="whitespace-nowrap px-5 py-3 text-right">
                          <button
                            type="button"
                            className="btn-ghost btn-sm"
                            aria-label={`Change role of ${u.name}`}
                            onClick={() => setAction({ kind: "role", user: u })}
                          >
                            Change role
                          </button>
                          {u.id !== me && (
                            <button
                              type="button"
                              className="btn-ghost btn-sm"
                              aria-label={`${u.suspendedAt ? "Reactivate" : "Suspend"} ${u.name}`}
                              onClick={() =>
                                setAction({ kind: u.suspendedAt ? "reactivate" : "suspend", user: u })
                              }
                            >
                              {u.suspendedAt ? "Reactivate" : "Suspend"}
                            </button>
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableFrame>
              <Pager
                label="Pages of users"
                page={pager.page}
                nextCursor={page.nextCursor}
                onNext={pager.next}
                onPrevious={pager.previous}
              />
            </div>
          );
        }}
      </Resource>
      <p className="text-sm text-muted">
        Every change here is recorded in the{" "}
        <a href="/admin/audit" className="underline">
          audit log
        </a>
        .
      </p>
      <CreateUser open={creating} onOpenChange={setCreating} onCreated={() => users.reload()} />
      <ImportUsers open={importing} onOpenChange={setImporting} onFinished={() => users.reload()} />
      <UserActionDialog action={action} onClose={() => setAction(null)} onChanged={() => users.reload()} />
    </div>
  );
}
