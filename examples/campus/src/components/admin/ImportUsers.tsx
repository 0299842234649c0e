import { type FormEvent, useEffect, useRef, useState } from "react";
import { api, problemOf } from "../../lib/api";
import { fieldErrors, humanizeMessage } from "../../lib/problems";
import type { UserImport } from "../../lib/types";
import { Modal } from "../ui/Modal";
import { Spinner } from "../ui/Spinner";
import { ProgressBar } from "../ui/states";

const POLL_MS = 1000;
const finished = (i: UserImport) => i.status === "done" || i.status === "failed";

/** Users from a CSV file: the file goes up, then the import's progress is polled until it ends. */
export function ImportUsers({
  open,
  onOpenChange,
  onFinished,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onFinished: () => void;
}) {
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [run, setRun] = useState<UserImport | null>(null);
  const finishedRef = useRef(onFinished);
  finishedRef.current = onFinished;

  // Polls while the import runs; stops when it ends or the dialog closes.
  useEffect(() => {
    if (!run || finished(run)) return;
    const timer = setTimeout(async () => {
      try {
        const next = await api().get<UserImport>(`/api/admin/users/imports/${run.id}`);
        setRun(next);
        if (finished(next)) finishedRef.current();
      } catch (error) {
        setErrors({ form: fieldErrors(problemOf(error), []).form ?? "" });
      }
    }, POLL_MS);
    return () => clearTimeout(timer);
  }, [run]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setErrors({});
    if (!file) return setErrors({ file: "Choose a CSV file first." });
    const form = new FormData();
    form.set("file", file);
    setBusy(true);
    try {
      setRun(await api().post<UserImport>("/api/admin/users/import", form));
    } catch (error) {
      setErrors(fieldErrors(problemOf(error), ["file"]));
    } finally {
      setBusy(false);
    }
  }

  function close(value: boolean) {
    onOpenChange(value);
    if (!value) {
      setFile(null);
      setErrors({});
      setRun(null);
    }
  }

  return (
    <Modal
      open={open}
      onOpenChange={close}
      wide
      title="Import users from CSV"
      description="Each new person gets an invitation to set a password. Addresses that already have an account are skipped."
    >
      {run ? (
        <Progress run={run} />
      ) : (
        <form onSubmit={submit} noValidate className="space-y-4">
          <div className="rounded-xl bg-surface-2 p-3 text-sm text-muted">
            <p>
              The first line names the columns: <code>email,name,role,courseIds</code>. The role is student,
              instructor or admin; <code>courseIds</code> (optional) lists courses to enrol in, separated by
              spaces.
            </p>
          </div>
          <div>
            <label htmlFor="import-file" className="label">
              CSV file
            </label>
            <input
              id="import-file"
              type="file"
              accept=".csv,text/csv"
              className="field"
              onChange={(e) => setFile(e.target.files?.[0] ?? null)}
              aria-invalid={errors.file ? true : undefined}
              aria-describedby={errors.file ? "import-file-error" : undefined}
            />
            {errors.file && (
              <p id="import-file-error" className="mt-1.5 text-sm text-danger">
                {errors.file}
              </p>
            )}
          </div>
          {errors.form && (
            <p role="alert" className="rounded-xl bg-danger-soft p-3 text-sm text-danger">
              {errors.form}
            </p>
          )}
          <div className="flex justify-end gap-2">
            <button type="button" className="btn-secondary" onClick={() => close(false)}>
              Cancel
            </button>
            <button type="submit" className="btn-primary" disabled={busy}>
              {busy && <Spinner />} Import
            </button>
          </div>
        </form>
      )}
    </Modal>
  );
}

function Progress({ run }: { run: UserImport }) {
  const done = finished(run);
  return (
    <div className="space-y-4 text-sm" data-import-status={run.status}>
      <div>
        <p className="mb-2 font-medium" role="status">
          {run.status === "failed"
            ? "The import stopped before the end."
            : done
              ? `Import finished: ${run.done} of ${run.total} rows read.`
              : `Importing… ${run.done} of ${run.total} rows`}
        </p>
        <ProgressBar value={run.total ? run.done / run.total : 0} label="Import progress" />
      </div>
      <ul className="grid grid-cols-3 gap-2">
        <li className="rounded-xl bg-success-soft p-3 text-success">
          <span className="block text-2xl font-semibold">{run.created}</span> created
        </li>
        <li className="rounded-xl bg-surface-2 p-3 text-muted">
          <span className="block text-2xl font-semibold text-ink">{run.skipped.length}</span> skipped
        </li>
        <li className="rounded-xl bg-danger-soft p-3 text-danger">
          <span className="block text-2xl font-semibold">{run.failed.length}</span> failed
        </li>
      </ul>
      {run.skipped.length > 0 && <Issues title="Skipped" issues={run.skipped} />}
      {run.failed.length > 0 && <Issues title="Failed" issues={run.failed} />}
    </div>
  );
}

function Issues({ title, issues }: { title: string; issues: UserImport["skipped"] }) {
  return (
    <section>
      <h3 className="mb-1 font-semibold">{title}</h3>
      <ul className="max-h-48 space-y-1 overflow-y-auto">
        {issues.map((issue) => (
          <li key={`${issue.line}-${issue.email ?? ""}`} className="break-words text-muted">
            Line {issue.line}
            {issue.email && <> ({issue.email})</>}: {humanizeMessage(issue.reason)}
          </li>
        ))}
      </ul>
    </section>
  );
}
