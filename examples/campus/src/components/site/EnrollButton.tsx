import { useState } from "react";
import { api, LecternApiError, problemOf } from "../../lib/api";
import { formatMoney } from "../../lib/format";
import { toast } from "../../lib/toast";
import type { Enrollment, Money } from "../../lib/types";
import { Spinner } from "../ui/Spinner";

/** Enroll does the right thing: free → enrolled at once; paid → checkout when payments are installed. */
export default function EnrollButton({
  courseId,
  slug,
  price,
  role,
  enrolled,
}: {
  courseId: string;
  slug: string;
  price: Money | null;
  role: string | null;
  enrolled: boolean;
}) {
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const label = price && price.amount > 0 ? `Enroll for ${formatMoney(price)}` : "Enroll for free";

  if (enrolled)
    return (
      <a href={`/student/courses/${courseId}`} className="btn-primary w-full py-3">
        Go to course
      </a>
    );
  if (!role)
    return (
      <button
        type="button"
        className="btn-primary w-full py-3"
        data-login="student"
        data-register="true"
        data-next={`/courses/${slug}`}
      >
        {label}
      </button>
    );
  if (role !== "student")
    return <p className="text-sm text-muted">Sign in with a student account to enroll.</p>;

  async function enroll() {
    setBusy(true);
    setMessage(null);
    try {
      await api().post<Enrollment>(`/api/courses/${courseId}/enroll`);
      toast("You are enrolled", "success", "Opening the course…");
      window.location.assign(`/student/courses/${courseId}`);
    } catch (error) {
      if (error instanceof LecternApiError && error.status === 402) {
        try {
          const checkout = await api().post<{ redirectUrl: string }>(
            "/api/payments/checkout",
            { courseId, gateway: "default" },
            { headers: { "Idempotency-Key": crypto.randomUUID() } },
          );
          window.location.assign(checkout.redirectUrl);
          return;
        } catch (checkoutError) {
          setMessage(problemOf(checkoutError).detail ?? "Payments are not available on this campus yet.");
        }
      } else setMessage(problemOf(error).detail ?? problemOf(error).title);
      setBusy(false);
    }
  }

  return (
    <div>
      <button
        type="button"
        className="btn-primary w-full py-3"
        onClick={enroll}
        disabled={busy}
        data-testid="enroll"
      >
        {busy && <Spinner />} {label}
      </button>
      {message && (
        <p role="alert" className="mt-2 text-sm text-danger">
          {message}
        </p>
      )}
    </div>
  );
}
