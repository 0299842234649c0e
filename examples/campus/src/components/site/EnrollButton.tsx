import { useState } from "react";
import { api, LecternApiError, problemOf } from "../../lib/api";
import { useHydrated } from "../../lib/hooks";
import type { Gateway } from "../../lib/payments";
import { problemSentence } from "../../lib/problems";
import { toast } from "../../lib/toast";
import type { Enrollment, Money } from "../../lib/types";
import BuyCourse from "../payments/BuyCourse";
import { Spinner } from "../ui/Spinner";

/** Enroll does the right thing: free → enrolled at once; paid → checkout when payments are installed. */
export default function EnrollButton({
  courseId,
  slug,
  price,
  role,
  enrolled,
  title = "",
  locale = "en-GB",
  gateways = null,
}: {
  courseId: string;
  slug: string;
  price: Money | null;
  role: string | null;
  enrolled: boolean;
  title?: string;
  /** The institution's locale for prices, and the installed payment methods (null: no payments). */
  locale?: string;
  gateways?: Gateway[] | null;
}) {
  const [busy, setBusy] = useState(false);
  const ready = useHydrated();
  const [message, setMessage] = useState<string | null>(null);
  const paid = Boolean(price && price.amount > 0);
  const label = paid ? "Buy" : "Enroll for free";

  if (enrolled)
    return (
      <a href={`/student/courses/${courseId}`} className="btn-primary w-full py-3">
        Go to course
      </a>
    );
  // Without the payments plugin a paid course offers no button that can only fail.
  if (paid && !gateways)
    return (
      <p className="text-sm text-muted" data-testid="enroll-unavailable">
        This course is not open for enrollment online yet. Ask the campus office how to join it.
      </p>
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
  if (paid && price && gateways)
    return <BuyCourse courseId={courseId} title={title} price={price} locale={locale} gateways={gateways} />;

  async function enroll() {
    setBusy(true);
    setMessage(null);
    try {
      await api().post<Enrollment>(`/api/courses/${courseId}/enroll`);
      toast("You are enrolled", "success", "Opening the course…");
      window.location.assign(`/student/courses/${courseId}`);
    } catch (error) {
      if (error instanceof LecternApiError && error.status === 402)
        setMessage(
          "This course is not open for enrollment online yet. Ask the campus office how to join it.",
        );
      else setMessage(problemSentence(problemOf(error)));
      setBusy(false);
    }
  }

  return (
    <div>
      <button
        type="button"
        className="btn-primary w-full py-3"
        onClick={enroll}
        disabled={busy || !ready}
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
