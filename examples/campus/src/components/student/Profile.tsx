import { formatDate, initials, percent } from "../../lib/format";
import { myEnrollments } from "../../lib/student";
import type { User } from "../../lib/types";
import { PaymentList } from "../payments/MyPayments";
import { Card, Resource, StatusBadge, useLoad } from "../ui/states";

/** `payments`: whether that plugin is installed; without it the card (and its route) is left out. */
export default function Profile({ user, payments = true }: { user: User; payments?: boolean }) {
  const enrollments = useLoad(myEnrollments);
  return (
    <div className="space-y-6">
      <section className="card flex flex-col items-start gap-5 p-6 sm:flex-row sm:items-center">
        <span
          aria-hidden="true"
          className="grid h-16 w-16 place-items-center rounded-2xl bg-primary text-xl font-bold text-white"
        >
          {initials(user.name)}
        </span>
        <div>
          <h2 className="text-xl font-semibold">{user.name}</h2>
          <p className="text-muted">{user.email}</p>
          <p className="mt-1 text-sm text-muted">Student since {formatDate(user.createdAt)}</p>
        </div>
      </section>
      <Card title="Enrollment history">
        <Resource state={enrollments.state} onRetry={enrollments.reload}>
          {(list) =>
            list.length === 0 ? (
              <p className="text-sm text-muted">No enrollments yet.</p>
            ) : (
              <ul className="divide-y divide-line">
                {list.map((e) => (
                  <li key={e.id} className="flex flex-wrap items-center justify-between gap-2 py-3 text-sm">
                    <a href={`/student/courses/${e.courseId}`} className="font-medium">
                      {e.course?.title ?? e.courseId}
                    </a>
                    <span className="flex items-center gap-3 text-muted">
                      Enrolled {formatDate(e.enrolledAt)} · {percent(e.progress)}{" "}
                      <StatusBadge status={e.status} />
                    </span>
                  </li>
                ))}
              </ul>
            )
          }
        </Resource>
      </Card>
      {payments && (
        <Card
          title="Payments"
          action={
            <a href="/student/payments" className="text-sm">
              All payments
            </a>
          }
        >
          <PaymentList compact />
        </Card>
      )}
    </div>
  );
}
