import { useState } from "react";
import { api, problemOf } from "../../lib/api";
import { formatDate } from "../../lib/format";
import { allPages } from "../../lib/pages";
import { toast } from "../../lib/toast";
import type { Certificate } from "../../lib/types";
import { Icon } from "../ui/Icon";
import { ConfirmDialog, Modal } from "../ui/Modal";
import { EmptyState, ProgressBar, Resource, StatusBadge, useLoad } from "../ui/states";
import { TableFrame } from "../ui/TableFrame";

type Status = "pending" | "issued" | "rejected" | "revoked";

export default function CertificateApprovals() {
  const [status, setStatus] = useState<Status>("pending");
  const list = useLoad(() => allPages<Certificate>("/api/admin/certificates", { status }), [status]);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [batch, setBatch] = useState<{ done: number; total: number; failed: number } | null>(null);
  const [rejecting, setRejecting] = useState<Certificate | null>(null);
  const [reason, setReason] = useState("");
  const [confirming, setConfirming] = useState(false);

  const items = list.status === "ready" ? list.data : [];
  const drop = (ids: string[]) =>
    list.status === "ready" && list.set(list.data.filter((c) => !ids.includes(c.id)));

  async function approve(ids: string[]) {
    setBatch({ done: 0, total: ids.length, failed: 0 });
    const approved: string[] = [];
    let failed = 0;
    // One at a time: each approval renders and mails a PDF, and the bar shows real progress.
    for (const [index, id] of ids.entries()) {
      try {
        await api().post(`/api/admin/certificates/${id}/approve`);
        approved.push(id);
      } catch {
        failed++;
      }
      setBatch({ done: index + 1, total: ids.length, failed });
    }
    drop(approved);
    setSelected(new Set());
    if (failed)
      toast(
        `${approved.length} issued, ${failed} failed`,
        "error",
        "The failed ones stay pending; try them again.",
      );
    else
      toast(
        `${approved.length} certificate${approved.length === 1 ? "" : "s"} issued`,
        "success",
        "Each holder was mailed their PDF.",
      );
    // Done: the toast tells the outcome; a finished progress panel must not linger above the list.
    setBatch(null);
  }

  async function reject() {
    if (!rejecting || !reason.trim()) return;
    try {
      await api().post(`/api/admin/certificates/${rejecting.id}/reject`, { reason: reason.trim() });
      drop([rejecting.id]);
      toast("Certificate request rejected", "success");
      setRejecting(null);
    } catch (error) {
      toast("Could not reject", "error", problemOf(error).detail ?? problemOf(error).title);
    }
  }

  const allChecked = items.length > 0 && items.every((c) => selected.has(c.id));
  return (
    <div className="space-y-5">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <fieldset className="inline-flex rounded-xl bg-surface-2 p-1">
          <legend className="sr-only">Status</legend>
          {(["pending", "issued", "rejected", "revoked"] as Status[]).map((s) => (
            <button
              key={s}
              type="button"
              aria-pressed={status === s}
              onClick={() => {
                setStatus(s);
                setSelected(new Set());
              }}
              className={`rounded-lg px-3 py-1.5 text-sm font-medium capitalize ${status === s ? "bg-surface text-ink shadow-sm" : "text-muted"}`}
            >
              {s}
            </button>
          ))}
        </fieldset>
        {status === "pending" && (
          <button
            type="button"
            className="btn-primary"
            disabled={selected.size === 0 || batch !== null}
            onClick={() => setConfirming(true)}
          >
            <Icon name="check" className="h-4 w-4" /> Approve selected ({selected.size})
          </button>
        )}
      </div>
      <ConfirmDialog
        open={confirming}
        onOpenChange={setConfirming}
        title={`Issue ${selected.size} certificate${selected.size === 1 ? "" : "s"}?`}
        description="Each holder is mailed a signed PDF at once. An issued certificate can be revoked, not recalled."
        confirmLabel="Issue certificates"
        onConfirm={() => {
          setConfirming(false);
          void approve([...selected]);
        }}
      />
      {batch && (
        <div className="card p-4" aria-live="polite">
          <p className="mb-2 text-sm font-medium">
            Issuing certificates… {batch.done} of {batch.total}
            {batch.failed ? ` · ${batch.failed} failed` : ""}
          </p>
          <ProgressBar value={batch.done / batch.total} label="Batch approval progress" />
        </div>
      )}
      <Resource state={list.state} onRetry={list.reload}>
        {(certificates) =>
          certificates.length === 0 ? (
            <EmptyState
              icon="award"
              title={status === "pending" ? "No certificate requests" : `No ${status} certificates`}
            >
              {status === "pending" ? "A request arrives when a student completes a course." : null}
            </EmptyState>
          ) : (
            <TableFrame label="Certificate requests" className="card">
              <table className="w-full min-w-[40rem] text-left text-sm">
                <thead className="border-b border-line text-xs uppercase tracking-wider text-muted">
                  <tr>
                    {status === "pending" && (
                      <th className="w-10 px-5 py-3">
                        <input
                          type="checkbox"
                          aria-label="Select all"
                          checked={allChecked}
                          onChange={() =>
                            setSelected(allChecked ? new Set() : new Set(certificates.map((c) => c.id)))
                          }
                          className="h-4 w-4 accent-[var(--brand-primary)]"
                        />
                      </th>
                    )}
                    <th className="px-5 py-3 font-semibold">Student</th>
                    <th className="px-5 py-3 font-semibold">Course</th>
                    <th className="px-5 py-3 font-semibold">Status</th>
                    <th className="px-5 py-3 font-semibold">Date</th>
                    <th className="px-5 py-3" />
                  </tr>
                </thead>
                <tbody className="divide-y divide-line">
                  {certificates.map((c) => (
                    <tr key={c.id} data-testid="certificate-row">
                      {status === "pending" && (
                        <td className="px-5 py-3">
                          <input
                            type="checkbox"
                            aria-label={`Select ${c.user?.name ?? c.holderName ?? "certificate"}`}
                            checked={selected.has(c.id)}
                            onChange={() => {
                              const next = new Set(selected);
                              if (next.has(c.id)) next.delete(c.id);
                              else next.add(c.id);
                              setSelected(next);
                            }}
                            className="h-4 w-4 accent-[var(--brand-primary)]"
                          />
                        </td>
                      )}
                      <td className="px-5 py-3 font-medium">{c.user?.name ?? c.holderName ?? c.userId}</td>
                      <td className="px-5 py-3">{c.course?.title ?? c.courseTitle ?? c.courseId}</td>
                      <td className="px-5 py-3">
                        <StatusBadge status={c.status} />
                      </td>
                      <td className="px-5 py-3 text-muted">{formatDate(c.issuedAt ?? c.revokedAt)}</td>
                      <td className="px-5 py-3 text-right">
                        {status === "pending" ? (
                          <span className="inline-flex gap-2">
                            <button
                              type="button"
                              className="btn-ghost btn-sm"
                              onClick={() => {
                                setRejecting(c);
                                setReason("");
                              }}
                            >
                              Reject
                            </button>
                            <button
                              type="button"
                              className="btn-primary btn-sm"
                              disabled={batch !== null}
                              onClick={() => approve([c.id])}
                            >
                              Approve
                            </button>
                          </span>
                        ) : c.status === "issued" ? (
                          <a className="btn-ghost btn-sm" href={`/api/certificates/${c.id}/pdf`}>
                            PDF
                          </a>
                        ) : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableFrame>
          )
        }
      </Resource>
      <Modal
        open={rejecting !== null}
        onOpenChange={(o) => !o && setRejecting(null)}
        title="Reject this certificate request?"
        description="The student is told why."
      >
        <label htmlFor="cert-reason" className="label">
          Reason
        </label>
        <textarea
          id="cert-reason"
          className="field min-h-24"
          value={reason}
          onChange={(e) => setReason(e.target.value)}
        />
        <div className="mt-5 flex justify-end gap-2">
          <button type="button" className="btn-secondary" onClick={() => setRejecting(null)}>
            Cancel
          </button>
          <button type="button" className="btn-danger" disabled={!reason.trim()} onClick={reject}>
            Reject
          </button>
        </div>
      </Modal>
    </div>
  );
}
