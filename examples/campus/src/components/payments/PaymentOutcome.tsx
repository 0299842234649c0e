import { useEffect, useState } from "react";
import { api, problemOf } from "../../lib/api";
import { formatDateTime, formatMoney } from "../../lib/format";
import { onLive, startLive } from "../../lib/live";
import { type Gateways, loadGateways, outcomeOf, type Payment } from "../../lib/payments";
import { Icon } from "../ui/Icon";
import { Spinner } from "../ui/Spinner";
import { Card, ErrorState, Resource, useLoad } from "../ui/states";

/** Polling slows from 2 s to 15 s: a webhook usually lands in seconds, a bank transfer in days. */
const delayAfter = (tries: number) => Math.min(15_000, 2_000 * 1.5 ** tries);

/**
 * The page a gateway sends the student back to. It shows what the server knows, never more:
 * "paid" only once the payment is completed there, however the student got here.
 */
export default function PaymentOutcome({ paymentId }: { paymentId: string }) {
  const gateways = useLoad<Gateways>(() => loadGateways().catch(() => ({ items: [], locale: "en-GB" })));
  const [payment, setPayment] = useState<Payment | null>(null);
  const [problem, setProblem] = useState<ReturnType<typeof problemOf> | null>(null);
  const [tick, setTick] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: "Try again" bumps `tick` to start over
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let tries = 0;
    const load = async () => {
      clearTimeout(timer);
      try {
        const next = await api().get<Payment>(`/api/payments/${encodeURIComponent(paymentId)}`);
        if (stopped) return;
        setPayment(next);
        setProblem(null);
        if (next.status === "pending") timer = setTimeout(load, delayAfter(tries++));
      } catch (error) {
        if (stopped) return;
        setProblem(problemOf(error));
        if (problemOf(error).status !== 404) timer = setTimeout(load, delayAfter(tries++));
      }
    };
    void load();
    // A realtime `payment.updated` answers at once; polling covers a dropped connection.
    startLive(document.body.dataset.role ?? "student");
    const stop = onLive((event) => {
      if (event.event === "payment.updated" && (event.data as { paymentId?: string }).paymentId === paymentId)
        void load();
    });
    return () => {
      stopped = true;
      clearTimeout(timer);
      stop();
    };
  }, [paymentId, tick]);

  if (!payment)
    return problem ? (
      <ErrorState problem={problem} onRetry={() => setTick((t) => t + 1)} />
    ) : (
      <div className="card flex items-center gap-3 p-6 text-muted" role="status">
        <Spinner /> Looking up your payment…
      </div>
    );

  return (
    <Resource state={gateways.state}>
      {({ items, locale }) => {
        const gatewayName = items.find((g) => g.id === payment.gateway)?.name ?? "the payment service";
        const outcome = outcomeOf(payment, gatewayName);
        const pending = payment.status === "pending";
        const tone =
          payment.status === "completed"
            ? "bg-success-soft text-success"
            : payment.status === "failed"
              ? "bg-danger-soft text-danger"
              : "bg-warning-soft text-warning";
        return (
          <div className="space-y-6">
            <section
              className="card flex flex-col gap-4 p-6 sm:flex-row sm:items-start"
              aria-live="polite"
              data-testid="payment-outcome"
              data-status={payment.status}
            >
              <span className={`grid h-12 w-12 shrink-0 place-items-center rounded-2xl ${tone}`}>
                {pending ? (
                  <Spinner className="h-6 w-6" />
                ) : (
                  <Icon name={payment.status === "completed" ? "check" : "alert"} className="h-6 w-6" />
                )}
              </span>
              <div className="flex-1">
                <h2 className="text-xl font-semibold tracking-tight">{outcome.title}</h2>
                <p className="mt-1 text-muted">{outcome.body}</p>
                {payment.status === "completed" && (
                  <a href={`/student/courses/${payment.courseId}`} className="btn-primary mt-4">
                    Open the course
                  </a>
                )}
                {payment.status === "failed" && payment.course && (
                  <a href={`/courses/${payment.course.slug}`} className="btn-secondary mt-4">
                    Back to the course
                  </a>
                )}
              </div>
            </section>
            {pending && payment.instructions && (
              <Card title="How to pay">
                <p className="whitespace-pre-line">{payment.instructions}</p>
                <p className="mt-4 text-sm text-muted">Your reference</p>
                <p className="mt-1 font-mono text-2xl font-semibold tracking-wider" data-testid="reference">
                  {payment.reference}
                </p>
              </Card>
            )}
            <Card title="Details">
              <dl className="grid gap-x-6 gap-y-3 text-sm sm:grid-cols-2">
                <div>
                  <dt className="text-muted">Course</dt>
                  <dd className="font-medium">{payment.course?.title ?? "—"}</dd>
                </div>
                <div>
                  <dt className="text-muted">Amount</dt>
                  <dd className="font-medium">
                    {formatMoney(payment.total, locale)}
                    {payment.couponCode && (
                      <span className="text-muted">
                        {" "}
                        (was {formatMoney(payment.listPrice, locale)}, coupon {payment.couponCode})
                      </span>
                    )}
                  </dd>
                </div>
                <div>
                  <dt className="text-muted">Method</dt>
                  <dd className="font-medium">{gatewayName}</dd>
                </div>
                <div>
                  <dt className="text-muted">Started</dt>
                  <dd className="font-medium">{formatDateTime(payment.createdAt, locale)}</dd>
                </div>
                {payment.amountRefunded.amount > 0 && (
                  <div>
                    <dt className="text-muted">Refunded</dt>
                    <dd className="font-medium">{formatMoney(payment.amountRefunded, locale)}</dd>
                  </div>
                )}
              </dl>
            </Card>
            <p>
              <a href="/student/payments">All your payments</a>
            </p>
          </div>
        );
      }}
    </Resource>
  );
}
