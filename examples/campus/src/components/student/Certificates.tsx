import { formatDate } from "../../lib/format";
import { myCertificates } from "../../lib/student";
import { toast } from "../../lib/toast";
import type { Certificate } from "../../lib/types";
import { Icon } from "../ui/Icon";
import { EmptyState, Resource, StatusBadge, useLoad } from "../ui/states";

async function share(certificate: Certificate) {
  const url = certificate.verifyUrl ?? `${window.location.origin}/verify/${certificate.code}`;
  try {
    await navigator.clipboard.writeText(url);
    toast("Verification link copied", "success", url);
  } catch {
    window.prompt("Copy the verification link:", url);
  }
}

export default function Certificates() {
  const certificates = useLoad(myCertificates);
  return (
    <Resource state={certificates.state} onRetry={certificates.reload}>
      {(list) =>
        list.length === 0 ? (
          <EmptyState
            icon="award"
            title="No certificates yet"
            action={
              <a href="/student/courses" className="btn-primary">
                Continue learning
              </a>
            }
          >
            When you complete a course, a certificate request goes to the administrators. Once approved, it
            appears here.
          </EmptyState>
        ) : (
          <ul className="grid gap-5 md:grid-cols-2">
            {list.map((c) => (
              <li key={c.id} className="card overflow-hidden" data-testid="certificate">
                <div className="relative bg-gradient-to-br from-primary to-primary-strong px-6 py-7 text-white">
                  <Icon name="award" className="absolute right-5 top-5 h-10 w-10 text-white/30" />
                  <p className="text-xs font-semibold uppercase tracking-widest text-white/80">
                    Certificate of completion
                  </p>
                  <p className="mt-2 font-serif text-xl font-semibold">
                    {c.course?.title ?? c.courseTitle ?? "Course"}
                  </p>
                </div>
                <div className="space-y-4 p-5">
                  <div className="flex items-center justify-between gap-2 text-sm">
                    <StatusBadge status={c.status} />
                    <span className="text-muted">
                      {c.issuedAt ? `Issued ${formatDate(c.issuedAt)}` : "Awaiting approval"}
                    </span>
                  </div>
                  {c.status === "issued" && c.code && (
                    <p className="font-mono text-xs text-muted">Code {c.code}</p>
                  )}
                  {c.status === "issued" ? (
                    <div className="flex flex-wrap gap-2">
                      <a className="btn-primary btn-sm" href={`/api/certificates/${c.id}/pdf`} download>
                        <Icon name="download" className="h-4 w-4" /> Download PDF
                      </a>
                      <button type="button" className="btn-secondary btn-sm" onClick={() => share(c)}>
                        <Icon name="share" className="h-4 w-4" /> Copy share link
                      </button>
                      {c.code && (
                        <a className="btn-ghost btn-sm" href={`/verify/${c.code}`}>
                          View verification
                        </a>
                      )}
                    </div>
                  ) : (
                    <p className="text-sm text-muted">
                      {c.status === "pending"
                        ? "An administrator reviews every certificate before it is issued."
                        : "This certificate is not valid."}
                    </p>
                  )}
                </div>
              </li>
            ))}
          </ul>
        )
      }
    </Resource>
  );
}
