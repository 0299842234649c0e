import { useState } from "react";
import { api, problemOf } from "../../lib/api";
import { formatDateTime, formatRelative } from "../../lib/format";
import { problemSentence } from "../../lib/problems";
import { toast } from "../../lib/toast";
import type { AccountSession } from "../../lib/types";
import { Icon } from "../ui/Icon";
import { Badge, Card, Resource, SkeletonRows, useLoad } from "../ui/states";

const DAY = 24 * 60 * 60 * 1000;

function lastSeen(session: AccountSession): string {
  const iso = session.lastSeenAt ?? session.createdAt;
  const at = Date.parse(iso);
  return Date.now() - at < DAY ? formatRelative(at) : formatDateTime(iso);
}

/** Where the person is signed in; `version` changes when something else ended sessions. */
export default function Sessions({ version = 0 }: { version?: number }) {
  const sessions = useLoad(
    () =>
      api()
        .get<{ items: AccountSession[] }>("/api/auth/sessions")
        .then((r) => r.items),
    [version],
  );
  const [busy, setBusy] = useState<string | null>(null);

  async function end(session: AccountSession) {
    setBusy(session.id);
    try {
      await api().delete(`/api/auth/sessions/${session.id}`);
      toast("Signed out", "success", `${session.device} is no longer signed in.`);
      await sessions.reload();
    } catch (error) {
      toast("That device could not be signed out", "error", problemSentence(problemOf(error)));
    } finally {
      setBusy(null);
    }
  }

  async function endOthers() {
    setBusy("others");
    try {
      const { endedSessions } = await api().post<{ endedSessions: number }>("/api/auth/sessions/end-others");
      toast(
        "Signed out everywhere else",
        "success",
        endedSessions === 1
          ? "One other device was signed out."
          : `${endedSessions} other devices were signed out.`,
      );
      await sessions.reload();
    } catch (error) {
      toast("The other devices could not be signed out", "error", problemSentence(problemOf(error)));
    } finally {
      setBusy(null);
    }
  }

  const others = sessions.status === "ready" ? sessions.data.filter((s) => !s.current).length : 0;
  return (
    <Card
      title="Where you are signed in"
      action={
        others > 0 && (
          <button type="button" className="btn-secondary btn-sm" onClick={endOthers} disabled={busy !== null}>
            Sign out everywhere else
          </button>
        )
      }
    >
      <Resource state={sessions.state} onRetry={sessions.reload} skeleton={<SkeletonRows rows={2} />}>
        {(list) => (
          <ul className="divide-y divide-line" aria-label="Your sessions">
            {list.map((s) => (
              <li key={s.id} className="flex flex-wrap items-center justify-between gap-3 py-3 text-sm">
                <div className="flex min-w-0 items-center gap-3">
                  <span
                    aria-hidden="true"
                    className="grid h-9 w-9 shrink-0 place-items-center rounded-xl bg-surface-2 text-muted"
                  >
                    <Icon name="grid" className="h-4 w-4" />
                  </span>
                  <div className="min-w-0">
                    <p className="flex flex-wrap items-center gap-2 font-medium">
                      {s.device} {s.current && <Badge tone="success">This device</Badge>}
                    </p>
                    <p className="text-muted">
                      {s.current ? "Active now" : `Last seen ${lastSeen(s)}`}
                      {s.address && ` · from ${s.address}`}
                    </p>
                  </div>
                </div>
                {!s.current && (
                  <button
                    type="button"
                    className="btn-ghost btn-sm"
                    onClick={() => end(s)}
                    disabled={busy !== null}
                    aria-label={`Sign out ${s.device}, last seen ${lastSeen(s)}`}
                  >
                    Sign out
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
      </Resource>
    </Card>
  );
}
