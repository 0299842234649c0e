import type { MiddlewareHandler } from "hono";
import type { LecternEnv } from "./env.js";
import { problems } from "./problem.js";

export interface AdmissionOptions {
  /** Requests handled at once; more wait in line. Default 256. */
  maxConcurrent?: number;
  /** Requests waiting in line at most; beyond it the answer is 503 with Retry-After. Default 4,096. */
  maxQueue?: number;
  /** A request that waited this long in line is answered 503 instead of being handled late. Default 20 s. */
  maxWaitMs?: number;
  /** The Retry-After of those 503s, in seconds. Default 2. */
  retryAfterSeconds?: number;
}

interface Waiter {
  admit(): void;
  timer: NodeJS.Timeout;
}

/** Paths never held in line: a load balancer's health check must hear the instance at once. */
const EXEMPT = new Set(["/api/health"]);

/**
 * Admission control: at most `maxConcurrent` requests are handled at once and the rest wait in a
 * bounded first-come line, so a crowd arriving in the same second (an exam's start) is served
 * in order with bounded memory instead of every request slowing down together. Beyond the line,
 * or after waiting too long, the answer is 503 with Retry-After — a client that honours it (the
 * campus's autosave does) comes back when there is room.
 */
export function admissionControl(options: AdmissionOptions = {}): MiddlewareHandler<LecternEnv> & {
  stats(): { active: number; waiting: number; rejected: number };
} {
  const maxConcurrent = Math.max(1, options.maxConcurrent ?? 256);
  const maxQueue = Math.max(0, options.maxQueue ?? 4_096);
  const maxWaitMs = options.maxWaitMs ?? 20_000;
  const retryAfter = options.retryAfterSeconds ?? 2;
  const line: Waiter[] = [];
  let active = 0;
  let rejected = 0;

  const busy = () => {
    rejected++;
    const unavailable = problems.unavailable(
      retryAfter,
      "The server is busy right now. Your request was not handled; try again in a moment.",
    );
    return new Response(JSON.stringify(unavailable.problem), {
      status: 503,
      headers: { ...unavailable.headers, "Content-Type": "application/problem+json" },
    });
  };

  const release = () => {
    const next = line.shift();
    if (next) {
      clearTimeout(next.timer);
      next.admit(); // the slot passes straight to the next in line
    } else active--;
  };

  const middleware: MiddlewareHandler<LecternEnv> = async (c, next) => {
    if (EXEMPT.has(c.req.path)) return next();
    if (active >= maxConcurrent) {
      if (line.length >= maxQueue) return busy();
      const admitted = await new Promise<boolean>((resolve) => {
        const waiter: Waiter = {
          admit: () => resolve(true),
          timer: setTimeout(() => {
            line.splice(line.indexOf(waiter), 1);
            resolve(false);
          }, maxWaitMs),
        };
        line.push(waiter);
      });
      if (!admitted) return busy();
    } else active++;
    try {
      await next();
    } finally {
      release();
    }
  };
  return Object.assign(middleware, { stats: () => ({ active, waiting: line.length, rejected }) });
}
