import type { RealtimeStatus } from "@lectern/client";
import { useCallback, useEffect, useRef, useState } from "react";
import { api } from "../../lib/api";
import { onLive, onLiveReload, onLiveStatus, startLive } from "../../lib/live";
import { toast } from "../../lib/toast";
import { Icon } from "../ui/Icon";

interface Notification {
  id: string;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  readAt: string | null;
  createdAt: string;
}

interface NotificationPage {
  items: Notification[];
  nextCursor: string | null;
  unreadCount: number;
}

const timeAgo = (iso: string) => {
  const minutes = Math.round((Date.now() - new Date(iso).getTime()) / 60_000);
  if (minutes < 1) return "just now";
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  return new Date(iso).toLocaleDateString();
};

/** The header's bell: unread count, a panel of recent notifications, live toasts as they arrive. */
export default function NotificationBell({ role }: { role: string }) {
  const [items, setItems] = useState<Notification[]>([]);
  const [unread, setUnread] = useState(0);
  const [open, setOpen] = useState(false);
  const [status, setStatus] = useState<RealtimeStatus>("connecting");
  const panel = useRef<HTMLDivElement>(null);

  const load = useCallback(async () => {
    try {
      const page = await api().get<NotificationPage>("/api/me/notifications", { query: { limit: 10 } });
      setItems(page.items);
      setUnread(page.unreadCount);
    } catch {
      // The bell stays as it was; the next live event or reload tries again.
    }
  }, []);

  useEffect(() => {
    void load();
    startLive(role);
    const stops = [
      onLive((event) => {
        if (event.event !== "notification.created") return;
        const note = event.data as Notification;
        setItems((current) => [note, ...current.filter((n) => n.id !== note.id)].slice(0, 10));
        setUnread((n) => n + 1);
        toast(note.title, "info", note.body);
      }),
      onLiveStatus(setStatus),
      onLiveReload(() => void load()),
    ];
    return () => {
      for (const stop of stops) stop();
    };
  }, [load, role]);

  useEffect(() => {
    if (!open) return;
    const close = (event: MouseEvent | KeyboardEvent) => {
      if (
        event instanceof KeyboardEvent
          ? event.key === "Escape"
          : !panel.current?.contains(event.target as Node)
      )
        setOpen(false);
    };
    document.addEventListener("click", close);
    document.addEventListener("keydown", close);
    return () => {
      document.removeEventListener("click", close);
      document.removeEventListener("keydown", close);
    };
  }, [open]);

  const markAllRead = async () => {
    await api().post("/api/me/notifications/read-all");
    setUnread(0);
    setItems((current) => current.map((n) => ({ ...n, readAt: n.readAt ?? new Date().toISOString() })));
  };

  const follow = async (note: Notification) => {
    if (!note.readAt) {
      await api()
        .post(`/api/me/notifications/${note.id}/read`)
        .catch(() => undefined);
      setUnread((n) => Math.max(0, n - 1));
    }
    if (note.link) window.location.assign(note.link);
    else
      setItems((current) =>
        current.map((n) => (n.id === note.id ? { ...n, readAt: new Date().toISOString() } : n)),
      );
  };

  const reconnecting = status === "reconnecting";
  return (
    <div className="relative" ref={panel}>
      <button
        type="button"
        className="btn-ghost relative p-2"
        aria-label={unread > 0 ? `Notifications, ${unread} unread` : "Notifications"}
        aria-expanded={open}
        data-testid="bell"
        onClick={() => setOpen((o) => !o)}
      >
        <Icon name="bell" />
        {unread > 0 && (
          <span
            data-testid="unread-count"
            className="absolute -right-0.5 -top-0.5 grid h-5 min-w-5 place-items-center rounded-full bg-primary px-1 text-[11px] font-bold text-white"
          >
            {unread > 99 ? "99+" : unread}
          </span>
        )}
        {reconnecting && (
          <span
            data-testid="live-reconnecting"
            title="Reconnecting to live updates…"
            className="absolute bottom-1 right-1 h-2 w-2 animate-pulse rounded-full bg-warning"
          />
        )}
      </button>
      {reconnecting && (
        <span className="sr-only" role="status">
          Reconnecting to live updates
        </span>
      )}
      {open && (
        <div
          className="absolute right-0 z-40 mt-2 w-80 max-w-[90vw] rounded-xl border border-line bg-surface shadow-xl"
          role="dialog"
          aria-label="Notifications"
          data-testid="notification-panel"
        >
          <div className="flex items-center justify-between border-b border-line px-4 py-3">
            <p className="text-sm font-semibold text-ink">Notifications</p>
            {unread > 0 && (
              <button
                type="button"
                className="text-xs font-medium text-primary-ink hover:underline"
                onClick={markAllRead}
              >
                Mark all read
              </button>
            )}
          </div>
          {items.length === 0 ? (
            <p className="px-4 py-6 text-center text-sm text-muted">
              Nothing yet. News about your courses shows up here.
            </p>
          ) : (
            <ul className="max-h-96 divide-y divide-line overflow-y-auto">
              {items.map((note) => (
                <li key={note.id}>
                  <button
                    type="button"
                    onClick={() => follow(note)}
                    className={`block w-full px-4 py-3 text-left text-sm hover:bg-surface-2 ${note.readAt ? "" : "bg-primary-soft/40"}`}
                  >
                    <span className="flex items-start gap-2">
                      {!note.readAt && (
                        <span className="mt-1.5 h-2 w-2 shrink-0 rounded-full bg-primary">
                          <span className="sr-only">Unread: </span>
                        </span>
                      )}
                      <span className="min-w-0">
                        <span className="block font-medium text-ink">{note.title}</span>
                        <span className="block text-muted">{note.body}</span>
                        <span className="mt-0.5 block text-xs text-muted">{timeAgo(note.createdAt)}</span>
                      </span>
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
