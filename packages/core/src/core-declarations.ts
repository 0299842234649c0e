import { randomBytes } from "node:crypto";
import { z } from "@hono/zod-openapi";
import { DatabaseDeadlineError } from "./db/errors.js";
import { withAdvisoryLock } from "./db/helpers.js";
import type { Database } from "./db/index.js";
import type { Settings } from "./settings.js";
import { ROLES } from "./types.js";

/**
 * What the core declares about itself, as a plugin would (permissions, events), and the two small
 * mechanisms `createLectern` leans on at boot and in health checks.
 */

export const HEALTH_DEADLINE_MS = 2_000;

/** Runs `work`, or throws `DatabaseDeadlineError` when it is not done within `ms`. */
export async function withDeadline<T>(ms: number, work: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DatabaseDeadlineError(ms)), ms);
  });
  try {
    return await Promise.race([work(), late]);
  } finally {
    clearTimeout(timer);
  }
}

export const CORE_PERMISSIONS = {
  "core.users.manage": ["admin"],
  "core.analytics.view": ["admin"],
  "core.webhooks.manage": ["admin"],
  "core.audit.view": ["admin"],
} as const;

export const coreEvents = {
  "user.created": z.object({ userId: z.string(), role: z.enum(ROLES) }),
  "webhook.disabled": z.object({
    endpointId: z.string(),
    url: z.string(),
    adminId: z.string(),
    failingSince: z.string(),
  }),
};

declare module "./events.js" {
  interface LecternEvents {
    "user.created": { userId: string; role: (typeof ROLES)[number] };
  }
}

/** A provider's stable random secret: made once, under a lock, so every instance reads the same. */
export async function providerSecret(db: Database, store: Settings, key: string): Promise<string> {
  const stored = await store.get<string>(key);
  if (stored) return stored;
  return withAdvisoryLock(db, `core.${key}`, async (tx) => {
    const again = await store.get<string>(key, tx);
    if (again) return again;
    const fresh = randomBytes(32).toString("base64url");
    await store.set(key, fresh, tx);
    return fresh;
  });
}
