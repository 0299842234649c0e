import {
  connectRealtime,
  type RealtimeConnection,
  type RealtimeEvent,
  type RealtimeStatus,
} from "@lectern/client";

/**
 * The page's one realtime connection (same origin, the session cookie), shared by every island
 * through window events: `lectern:live` for each event, `lectern:live-status` when the connection
 * drops or comes back, `lectern:live-reload` when missed events could not be replayed.
 */
let connection: RealtimeConnection | null = null;

export function startLive(role: string): void {
  if (connection || typeof window === "undefined") return;
  const emit = (type: string, detail: unknown) => window.dispatchEvent(new CustomEvent(type, { detail }));
  connection = connectRealtime({
    onEvent: (event) => emit("lectern:live", event),
    onStatus: (status) => emit("lectern:live-status", status),
    onReload: (channel) => emit("lectern:live-reload", channel),
  });
  if (role === "admin") connection.subscribe("role:admin");
  window.addEventListener("pagehide", () => connection?.close(), { once: true });
}

/** Calls `handler` for each live event until the returned function is called. */
export function onLive(handler: (event: RealtimeEvent) => void): () => void {
  const listener = (e: Event) => handler((e as CustomEvent<RealtimeEvent>).detail);
  window.addEventListener("lectern:live", listener);
  return () => window.removeEventListener("lectern:live", listener);
}

export function onLiveStatus(handler: (status: RealtimeStatus) => void): () => void {
  const listener = (e: Event) => handler((e as CustomEvent<RealtimeStatus>).detail);
  window.addEventListener("lectern:live-status", listener);
  return () => window.removeEventListener("lectern:live-status", listener);
}

export function onLiveReload(handler: () => void): () => void {
  window.addEventListener("lectern:live-reload", handler);
  return () => window.removeEventListener("lectern:live-reload", handler);
}
