import type { EventName, LecternEvents } from "../events.js";
import type { PluginContext } from "../plugin.js";

/**
 * A kind of notification, declared once by the plugin whose event causes it: who receives it
 * and what it says. The core stores it, counts it as unread, pushes it live, and lets each user
 * turn it off (in the app, by mail).
 */
export interface NotificationKind<E extends EventName = EventName, Facts = unknown> {
  /** A stable name, usually the event's: `course.approved`. */
  kind: string;
  /** The event that causes it. */
  event: E;
  /** What users see on their preferences page: "A course of yours is approved". */
  label: string;
  /** Whether users get it before they choose; both true by default. */
  defaults?: { inApp?: boolean; email?: boolean };
  /** The users it is for. */
  recipients: (data: LecternEvents[E], ctx: PluginContext) => Promise<string[]> | string[];
  /** Loads what the texts need (a course's title…), once per event; null drops the notification. */
  facts?: (data: LecternEvents[E], ctx: PluginContext) => Promise<Facts | null>;
  title: (data: LecternEvents[E], facts: Facts) => string;
  body: (data: LecternEvents[E], facts: Facts) => string;
  /** A path on the site (`/courses/intro`), or null. */
  link?: (data: LecternEvents[E], facts: Facts) => string | null;
}

/** Declares a kind with its payload and facts typed. */
export function defineNotificationKind<E extends EventName, Facts = undefined>(
  kind: NotificationKind<E, Facts>,
): NotificationKind {
  return kind as unknown as NotificationKind;
}

/**
 * Every installed plugin's kinds, as contributed to the core extension point
 * `core.notificationKinds` (`contributes: () => ({ "core.notificationKinds": [kind, …] })`).
 */
export function collectNotificationKinds(
  contributions: ReadonlyMap<string, { pluginId: string; value: unknown }[]>,
): { pluginId: string; value: NotificationKind }[] {
  return (contributions.get("core.notificationKinds") ?? []) as {
    pluginId: string;
    value: NotificationKind;
  }[];
}
