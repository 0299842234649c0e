import { useEffect, useState } from "react";
import { api, withQuery } from "../../lib/api";
import { formatDateTime } from "../../lib/format";
import type { AdminUser, AuditEntry, Page } from "../../lib/types";
import { Icon } from "../ui/Icon";
import { Pager, usePager } from "../ui/Pager";
import { EmptyState, Resource, SkeletonRows, useLoad } from "../ui/states";
import { TableFrame } from "../ui/TableFrame";

/** What each recorded action means, in words; an unknown one (a newer plugin's) shows as recorded. */
export const ACTION_LABEL: Record<string, string> = {
  "auth.login": "Signed in",
  "auth.profile.renamed": "Changed their name",
  "auth.password.changed": "Changed their password",
  "auth.email.change-requested": "Asked to change their email",
  "auth.email.changed": "Changed their email",
  "auth.sessions.ended": "Signed out other devices",
  "auth.user.renamed": "Renamed a user",
  "auth.user.role-changed": "Changed a role",
  "auth.user.suspended": "Suspended a user",
  "auth.user.reactivated": "Reactivated a user",
  "auth.users.imported": "Imported users",
  "courses.course.approved": "Approved a course",
  "courses.course.rejected": "Rejected a course",
  "certificates.certificate.issued": "Issued a certificate",
  "certificates.certificate.rejected": "Rejected a certificate",
  "certificates.certificate.revoked": "Revoked a certificate",
  "payments.payment.marked": "Marked a payment",
  "payments.payment.refunded": "Refunded a payment",
};

const PAGE_SIZE = 20;

function describe(entry: AuditEntry): string {
  const label = ACTION_LABEL[entry.action] ?? entry.action;
  const change = entry.detail as { from?: unknown; to?: unknown };
  if (entry.action === "auth.user.role-changed" && change.from && change.to)
    return `${label}: ${String(change.from)} → ${String(change.to)}`;
  return label;
}

/** What else an entry concerns, in words: the log keeps `<kind>:<id>`, which means nothing to a reader. */
function subjectOf(entry: AuditEntry): string | null {
  if (!entry.subject) return null;
  const kind = entry.subject.split(":")[0] ?? "";
  const rows = (entry.detail as { rows?: unknown }).rows;
  if (kind === "import" && typeof rows === "number")
    return `A file of ${rows} ${rows === 1 ? "row" : "rows"}`;
  return kind ? kind.charAt(0).toUpperCase() + kind.slice(1).replace(/[-_]/g, " ") : null;
}

/** The audit log: who did what to whom, when and from where, filtered by person and action. */
export default function AuditLog({ initialUser }: { initialUser?: { id: string; name: string } | null }) {
  const [person, setPerson] = useState(initialUser ?? null);
  const [action, setAction] = useState("");
  const pager = usePager();
  const filters = { userId: person?.id, action: action || undefined };
  const entries = useLoad(
    () =>
      api().get<Page<AuditEntry>>("/api/admin/audit", {
        query: { ...filters, limit: PAGE_SIZE, cursor: pager.cursor },
      }),
    [person?.id, action, pager.cursor],
  );
  // biome-ignore lint/correctness/useExhaustiveDependencies: new filters start at page 1
  useEffect(() => pager.reset(), [person?.id, action]);

  return (
    <div className="space-y-5">
      <div className="card flex flex-col gap-3 p-4 lg:flex-row lg:items-start">
        <PersonFilter person={person} onChange={setPerson} />
        <div className="lg:w-64">
          <label htmlFor="audit-action" className="sr-only">
            Action
          </label>
          <select
            id="audit-action"
            className="field"
            value={action}
            onChange={(e) => setAction(e.target.value)}
          >
            <option value="">Every action</option>
            {Object.entries(ACTION_LABEL).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <a
          className="btn-secondary"
          href={withQuery("/api/admin/audit", { ...filters, format: "csv" })}
          download="audit-log.csv"
        >
          <Icon name="download" className="h-4 w-4" /> Download CSV
        </a>
      </div>
      <Resource
        state={entries.state}
        onRetry={entries.reload}
        skeleton={<SkeletonRows rows={6} className="h-12" />}
      >
        {(page) =>
          page.items.length === 0 ? (
            <EmptyState icon="shield" title="Nothing recorded">
              {person || action
                ? "No entry matches these filters."
                : "Sign-ins and changes to accounts appear here."}
            </EmptyState>
          ) : (
            <div className="card">
              <TableFrame label="Audit log">
                <table className="w-full min-w-[48rem] text-left text-sm">
                  <thead className="border-b border-line text-xs uppercase tracking-wider text-muted">
                    <tr>
                      <th className="px-5 py-3 font-semibold">When</th>
                      <th className="px-5 py-3 font-semibold">Who</th>
                      <th className="px-5 py-3 font-semibold">Action</th>
                      <th className="px-5 py-3 font-semibold">Concerning</th>
                      <th className="px-5 py-3 font-semibold">From</th>
                    </tr>
                  </thead>
                  <tbody className="divide-y divide-line">
                    {page.items.map((e) => (
                      <tr key={e.id}>
                        <td className="whitespace-nowrap px-5 py-3 text-muted">{formatDateTime(e.at)}</td>
                        <td className="px-5 py-3 font-medium">
                          {e.actorName ?? (e.actorId ? "A deleted user" : "The system")}
                        </td>
                        <td className="px-5 py-3">{describe(e)}</td>
                        <td className="px-5 py-3 text-muted">
                          {e.targetName ?? (e.targetUserId ? "A deleted user" : "")}
                          {subjectOf(e) && <span className="block text-xs">{subjectOf(e)}</span>}
                        </td>
                        <td className="px-5 py-3 text-muted">{e.address ?? "—"}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableFrame>
              <Pager
                label="Pages of the audit log"
                page={pager.page}
                nextCursor={page.nextCursor}
                onNext={pager.next}
                onPrevious={pager.previous}
              />
            </div>
          )
        }
      </Resource>
    </div>
  );
}

/** Picks the person whose entries to show: a search over users, then a removable chip. */
function PersonFilter({
  person,
  onChange,
}: {
  person: { id: string; name: string } | null;
  onChange: (person: { id: string; name: string } | null) => void;
}) {
  const [search, setSearch] = useState("");
  const [matches, setMatches] = useState<AdminUser[]>([]);

  useEffect(() => {
    const text = search.trim();
    if (!text) return setMatches([]);
    const timer = setTimeout(async () => {
      const page = await api().get<Page<AdminUser>>("/api/admin/users", {
        query: { search: text, limit: 5 },
      });
      setMatches(page.items);
    }, 300);
    return () => clearTimeout(timer);
  }, [search]);

  if (person)
    return (
      <div className="flex flex-1 items-center gap-2 text-sm">
        <span className="text-muted">Entries about</span>
        <span className="badge bg-primary-soft text-primary-ink">{person.name}</span>
        <button type="button" className="btn-ghost btn-sm" onClick={() => onChange(null)}>
          Everyone
        </button>
      </div>
    );
  return (
    <div className="relative flex-1">
      <label htmlFor="audit-person" className="sr-only">
        Person: name or email
      </label>
      <input
        id="audit-person"
        type="search"
        className="field"
        placeholder="Person: name or email"
        value={search}
        onChange={(e) => setSearch(e.target.value)}
      />
      {matches.length > 0 && (
        <ul className="mt-2 space-y-1" aria-label="Matching people">
          {matches.map((u) => (
            <li key={u.id}>
              <button
                type="button"
                className="btn-ghost btn-sm w-full justify-start text-left"
                onClick={() => {
                  onChange({ id: u.id, name: u.name });
                  setSearch("");
                  setMatches([]);
                }}
              >
                {u.name} <span className="text-muted">· {u.email}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
