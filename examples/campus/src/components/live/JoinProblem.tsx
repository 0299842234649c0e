import { useEffect } from "react";
import { clockTime } from "../../lib/classes";
import { formatDuration } from "../../lib/format";
import { useNow } from "../../lib/hooks";
import { Icon } from "../ui/Icon";

const WORDS: Record<number, { title: string; body: string }> = {
  403: {
    title: "This class is for another course",
    body: "You are not enrolled in the course this class belongs to. Enroll first, then join from your classes.",
  },
  404: {
    title: "We could not find this class",
    body: "It may have been removed, or the link is incomplete.",
  },
  410: {
    title: "This class has ended",
    body: "It can no longer be joined. Your upcoming classes are listed on your classes page.",
  },
};
const CANCELLED = {
  title: "This class was cancelled",
  body: "Your instructor cancelled it, so there is nothing to join. Your upcoming classes are listed on your classes page.",
};

/** Why a join did not go through, in words; before the window opens, a countdown that lets you in when it does. */
export default function JoinProblem({
  classId,
  status,
  cancelled,
  opensAt,
  back,
}: {
  classId: string;
  status: number;
  cancelled: boolean;
  opensAt: string | null;
  back: string;
}) {
  const now = useNow(1000);
  const waiting = status === 409 && opensAt ? Date.parse(opensAt) - now : null;
  // When the window opens, go in without another click.
  useEffect(() => {
    if (waiting !== null && waiting <= 0) window.location.assign(`/live/${classId}/join`);
  }, [waiting, classId]);
  const words =
    waiting !== null
      ? {
          title: `This class opens at ${clockTime(opensAt!)}`,
          body: `You can join 15 minutes before the start. Keep this page open: it lets you in when the class opens, in ${formatDuration(Math.max(0, waiting))}.`,
        }
      : cancelled
        ? CANCELLED
        : (WORDS[status] ?? {
            title: "We could not open the class",
            body: "The video platform did not answer. Try again in a moment.",
          });
  return (
    <div className="card mx-auto mt-6 max-w-lg p-8 text-center" data-testid="join-problem">
      <span className="mx-auto grid h-12 w-12 place-items-center rounded-2xl bg-primary-soft text-primary-ink">
        <Icon name="clock" className="h-6 w-6" />
      </span>
      <h1 className="mt-4 text-xl font-semibold">{words.title}</h1>
      <p className="mt-2 text-muted">{words.body}</p>
      <div className="mt-6 flex flex-wrap justify-center gap-2">
        <a href={back} className="btn-primary">
          Back to my classes
        </a>
        {status !== 409 && status !== 403 && status !== 404 && status !== 410 && (
          <a href={`/live/${classId}/join`} className="btn-secondary">
            Try again
          </a>
        )}
      </div>
    </div>
  );
}
