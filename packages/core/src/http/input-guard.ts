import { createMiddleware } from "hono/factory";
import type { LecternEnv } from "./env.js";
import { problems } from "./problem.js";

/** JSON deeper than this is refused before it is parsed: no route needs it, and it costs stack. */
export const MAX_JSON_DEPTH = 32;

/** Tab, line feed and carriage return are text (where lines are allowed); other C0 controls and DEL only hide things. */
function hasControlCharacters(value: string, multiline: boolean): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code === 0x7f) return true;
    if (code < 0x20 && !(multiline && (code === 0x09 || code === 0x0a || code === 0x0d))) return true;
  }
  return false;
}

/** With the `u` flag a paired surrogate is one code point, so this matches only lone halves. */
const LONE_SURROGATE = /[\ud800-\udfff]/u;

const MESSAGE = "Control characters are not allowed.";
const ENCODING = "The text is not valid Unicode.";

/** Why a string may not be stored, or null when it may. */
export function stringProblem(value: string, multiline: boolean): string | null {
  if (hasControlCharacters(value, multiline)) return MESSAGE;
  if (LONE_SURROGATE.test(value)) return ENCODING;
  return null;
}

type Issue = { path: string; message: string };

function walk(value: unknown, path: string[], issues: Issue[]): void {
  if (issues.length >= 20) return;
  if (typeof value === "string") {
    const message = stringProblem(value, true);
    if (message) issues.push({ path: path.join(".") || "body", message });
  } else if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) walk(item, [...path, String(index)], issues);
  } else if (value && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      const keyMessage = stringProblem(key, false);
      if (keyMessage) issues.push({ path: [...path, "(key)"].join("."), message: keyMessage });
      else walk(item, [...path, key], issues);
    }
  }
}

/** Nesting depth of a JSON text, counted without parsing it (brackets inside strings skipped). */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c) i++;
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) inString = true;
    else if (ch === 0x5b || ch === 0x7b) max = Math.max(max, ++depth);
    else if (ch === 0x5d || ch === 0x7d) depth--;
  }
  return max;
}

/**
 * Checks every string a route receives — path parameters, query parameters, JSON and text
 * bodies — once, before the route's own schema: control characters and ill-formed Unicode
 * answer 422 with the field's path, so no plugin can forget it and PostgreSQL never sees a NUL.
 * Runs after the access guard, so callers without the right learn nothing from it.
 */
export const inputGuard = (options: { body: boolean }) =>
  createMiddleware<LecternEnv>(async (c, next) => {
    const issues: Issue[] = [];
    for (const [name, value] of Object.entries(c.req.param() as Record<string, string>)) {
      const message = stringProblem(value, false);
      if (message) issues.push({ path: name, message });
    }
    for (const [name, values] of Object.entries(c.req.queries())) {
      const nameMessage = stringProblem(name, false);
      if (nameMessage) issues.push({ path: "query", message: nameMessage });
      for (const value of values) {
        const message = stringProblem(value, false);
        if (message) {
          issues.push({ path: name, message });
          break;
        }
      }
    }
    if (issues.length > 0) throw problems.validation(issues);

    const type = c.req.header("content-type")?.toLowerCase() ?? "";
    // Only a body the route declares: others (webhooks) may need the untouched raw stream.
    if (options.body && c.req.method !== "GET" && c.req.method !== "HEAD") {
      if (/^application\/([\w.+-]+\+)?json/.test(type)) {
        // Read once as text (Hono caches it), so the route's validator parses the same body.
        const text = await c.req.text();
        if (text.trim() === "") return next();
        if (jsonDepth(text) > MAX_JSON_DEPTH) {
          throw problems.validation(
            [{ path: "body", message: `JSON may be nested at most ${MAX_JSON_DEPTH} levels deep.` }],
            "The request body is nested too deeply.",
          );
        }
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          throw problems.badRequest("The request body is not valid JSON.");
        }
        walk(body, [], issues);
      } else if (type.startsWith("text/")) {
        const message = stringProblem(await c.req.text(), true);
        if (message) issues.push({ path: "body", message });
      }
      if (issues.length > 0) throw problems.validation(issues);
    }
    await next();
  });
