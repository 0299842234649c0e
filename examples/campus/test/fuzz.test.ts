import { randomUUID } from "node:crypto";
import { Writable } from "node:stream";
import { createLogger } from "@lectern/core";
import { createTestLectern, type TestLectern, type TestUser } from "@lectern/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import config from "../lectern.config.js";

/**
 * The permanent guard against 500s and hangs: every route of the OpenAPI document, every
 * parameter and top-level body field, a bounded set of hostile values, as each role that may
 * call the route (and once as each role that may not). New routes are covered without a line
 * here. Fails on any 5xx, any answer slower than 5 s, and any log line carrying a password hash
 * or one of the sessions' tokens.
 */

const DEADLINE_MS = 5_000;
const deep = (levels: number): unknown => {
  let value: unknown = "x";
  for (let i = 0; i < levels; i++) value = [value];
  return value;
};

/** Hostile values for one field: bounded, so the walk stays within a minute or two on PGlite. */
const HOSTILE: unknown[] = [
  "\u0000",
  "a\u0001b\u001f",
  "line\r\nBcc: victim@example.com",
  "\ud800",
  "x".repeat(20_000),
  "W10",
  "%00../../etc/passwd",
  randomUUID(),
  -1,
  1e308,
  2 ** 53 + 1,
  true,
  null,
  [],
  { "\u0000": 1 },
  deep(40),
];
/** Query and path values are strings on the wire. */
const HOSTILE_TEXT = [
  "\u0000",
  "%01",
  "x".repeat(3_000),
  "W10",
  "WzFd",
  "!!!",
  "-1",
  "99999999999999999999",
  "NaN",
  "not-a-uuid",
  randomUUID(),
  "../../etc/passwd",
];

type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  format?: string;
  minimum?: number;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  $ref?: string;
};
interface Operation {
  "x-lectern-access"?: string;
  parameters?: { name: string; in: "path" | "query" | "header"; schema?: Schema }[];
  requestBody?: { content: Record<string, { schema?: Schema }> };
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

const logLines: string[] = [];
let t: TestLectern;
let document: Document;
const users: Record<string, TestUser> = {};
const tokens: string[] = [];
/** Ids seen in answers, by the last path segment's name before them, to reach deeper code. */
const knownIds: string[] = [];

beforeAll(async () => {
  t = await createTestLectern({
    plugins: config.plugins,
    publicUrl: "http://localhost:43999",
    logger: createLogger({
      level: "info",
      destination: new Writable({
        write(chunk, _encoding, callback) {
          logLines.push(chunk.toString());
          callback();
        },
      }),
    }),
  });
  document = (await t.anonymous.get("/api/openapi.json")).body as Document;
  for (const role of ["student", "instructor", "admin"] as const) users[role] = await t.createUser(role);
  // A little real data, so ids in paths reach past "not found" into the handlers.
  const instructor = t.as(users.instructor!);
  const course = await instructor.post("/api/courses", {
    title: "Fuzzing 101",
    summary: "A course to aim hostile input at.",
    description: "Everything here is a target.",
    tags: ["fuzz"],
    level: "beginner",
  });
  if (course.body?.id) knownIds.push(course.body.id);
  const exam = await instructor.post(`/api/courses/${course.body?.id}/exams`, {
    title: "Quiz",
    questions: [
      {
        type: "single",
        prompt: "Pick one",
        marks: 1,
        options: [
          { text: "A", correct: true },
          { text: "B", correct: false },
        ],
      },
    ],
  });
  if (exam.body?.id) knownIds.push(exam.body.id);
});
afterAll(() => t?.close());

function resolve(schema: Schema | undefined): Schema {
  let current = schema ?? {};
  for (let i = 0; i < 5 && current.$ref; i++) {
    current = document.components?.schemas?.[current.$ref.split("/").at(-1)!] ?? {};
  }
  const merged = current.allOf
    ?.map(resolve)
    .reduce((a, b) => ({ ...a, ...b, properties: { ...a.properties, ...b.properties } }));
  return merged ? { ...current, ...merged } : current;
}

/** A plausible value for a schema, so that one hostile field at a time meets valid neighbours. */
function plausible(raw: Schema | undefined, depth = 0): unknown {
  const schema = resolve(raw);
  const alternative = schema.anyOf?.[0] ?? schema.oneOf?.[0];
  if (alternative) return plausible(alternative, depth + 1);
  if (schema.enum?.length) return schema.enum[0];
  const type = Array.isArray(schema.type) ? schema.type.find((x) => x !== "null") : schema.type;
  switch (type) {
    case "string":
      if (schema.format === "uuid") return knownIds[0] ?? randomUUID();
      if (schema.format === "date-time") return new Date(Date.now() + 86_400_000).toISOString();
      if (schema.format === "email") return `fuzz-${randomUUID().slice(0, 8)}@example.com`;
      return "Plausible text";
    case "integer":
    case "number":
      return Math.max(1, schema.minimum ?? 1);
    case "boolean":
      return true;
    case "array":
      return depth > 3 ? [] : [plausible(schema.items, depth + 1)];
    case "object": {
      if (depth > 3) return {};
      const value: Record<string, unknown> = {};
      for (const [key, property] of Object.entries(schema.properties ?? {})) {
        value[key] = plausible(property, depth + 1);
      }
      return value;
    }
    default:
      return "Plausible text";
  }
}

interface Probe {
  route: string;
  field: string;
  value: unknown;
  method: string;
  path: string;
  query: string;
  body?: unknown;
  contentType?: string;
}

/** One request per (field, hostile value), each field attacked while the others stay plausible. */
function probesFor(template: string, method: string, operation: Operation): Probe[] {
  const route = `${method.toUpperCase()} ${template}`;
  const pathParams = (operation.parameters ?? []).filter((p) => p.in === "path");
  const queryParams = (operation.parameters ?? []).filter((p) => p.in === "query");
  const pathWith = (name?: string, value?: string) =>
    template.replace(/\{([^}]+)\}/g, (_, param: string) =>
      param === name ? encodeURIComponent(value!) : (knownIds[0] ?? randomUUID()),
    );
  const content = operation.requestBody?.content ?? {};
  const jsonSchema = content["application/json"]?.schema;
  const baseBody = jsonSchema ? plausible(jsonSchema) : undefined;
  const base = { route, method: method.toUpperCase(), path: pathWith(), query: "" };
  const probes: Probe[] = [{ ...base, field: "(plausible)", value: null, body: baseBody }];

  for (const param of pathParams) {
    for (const value of HOSTILE_TEXT) {
      probes.push({
        ...base,
        field: `path.${param.name}`,
        value,
        path: pathWith(param.name, value),
        body: baseBody,
      });
    }
  }
  for (const param of queryParams) {
    for (const value of HOSTILE_TEXT) {
      probes.push({
        ...base,
        field: `query.${param.name}`,
        value,
        query: `?${param.name}=${encodeURIComponent(value)}`,
        body: baseBody,
      });
    }
  }
  if (jsonSchema) {
    const properties = Object.keys(resolve(jsonSchema).properties ?? {});
    for (const name of properties) {
      for (const value of HOSTILE) {
        probes.push({
          ...base,
          field: `body.${name}`,
          value,
          body: { ...(baseBody as object), [name]: value },
        });
      }
    }
    for (const value of ["[]", "null", '"x"', "{", JSON.stringify(deep(40))]) {
      probes.push({ ...base, field: "body", value, body: value, contentType: "application/json" });
    }
  } else if (content["text/plain"]) {
    for (const value of ["\u0000", "::Q:: x {=a ~b}\u0001", "x".repeat(200_000), ""]) {
      probes.push({ ...base, field: "body(text)", value, body: value, contentType: "text/plain" });
    }
  } else if (content["multipart/form-data"]) {
    for (const value of ["\u0000", "x".repeat(5_000), "http://169.254.169.254/latest/meta-data/"]) {
      const form = new FormData();
      for (const key of ["title", "kind", "url", "sectionId"]) form.set(key, value);
      form.set("file", new Blob([value]), `${value.slice(0, 50)}.pdf`);
      probes.push({ ...base, field: "body(form)", value, body: form });
    }
  }
  return probes;
}

async function send(probe: Probe, token?: string) {
  const headers: Record<string, string> = {};
  if (probe.contentType) headers["content-type"] = probe.contentType;
  let timer: NodeJS.Timeout | undefined;
  const started = performance.now();
  const answer = await Promise.race([
    t.request(probe.method, probe.path + probe.query, { body: probe.body, headers, token }),
    new Promise<"hung">((resolve) => {
      timer = setTimeout(() => resolve("hung"), DEADLINE_MS);
    }),
  ]);
  clearTimeout(timer);
  return { answer, ms: performance.now() - started };
}

describe("the OpenAPI-driven fuzz walk", () => {
  it("answers every hostile request below 500, within 5 s, and logs no secret", {
    timeout: 600_000,
  }, async () => {
    const failures: string[] = [];
    const permissions = t.lectern.permissions;
    let requests = 0;
    let routes = 0;
    const started = Date.now();
    for (const [template, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        // Signing out ends the session the walk uses; its input is the empty body.
        if (template === "/api/auth/logout") continue;
        routes++;
        const access = operation["x-lectern-access"] ?? "public";
        const allowed = (role: string) =>
          access === "public" ||
          access === "signed-in" ||
          (permissions.get(access) ?? []).includes(role as never);
        const probes = probesFor(template, method, operation);
        for (const role of ["anonymous", "student", "instructor", "admin"]) {
          const may = role === "anonymous" ? access === "public" : allowed(role);
          // Callers turned away at the door get one probe each: the matrix covers the rest.
          for (const probe of may ? probes : probes.slice(0, 2)) {
            let token: string | undefined;
            if (role !== "anonymous") {
              token = (await t.lectern.context().auth.sessions.create(t.lectern.db, users[role]!.id)).token;
              tokens.push(token);
            }
            const { answer, ms } = await send(probe, token);
            requests++;
            const label = `${probe.route} as ${role}, ${probe.field} = ${JSON.stringify(probe.value)?.slice(0, 60)}`;
            if (answer === "hung") failures.push(`${label}: no answer within ${DEADLINE_MS} ms`);
            else if (answer.status >= 500) {
              failures.push(`${label}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`);
            } else if (ms > DEADLINE_MS) failures.push(`${label}: answered after ${Math.round(ms)} ms`);
          }
        }
      }
    }
    await t.drain();
    const log = logLines.join("");
    if (/\$argon2/.test(log)) failures.push("a log line carries a password hash");
    for (const token of tokens) {
      const secret = token.split(".")[1]!;
      if (log.includes(secret)) failures.push("a log line carries a session token");
    }
    console.info(
      `fuzz: ${routes} routes, ${requests} requests in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    expect(failures).toEqual([]);
    expect(routes).toBeGreaterThan(50);
  });

  it("no PATCH body declares a default: a field left out must keep its value", () => {
    const offenders: string[] = [];
    for (const [template, operations] of Object.entries(document.paths)) {
      const patch = operations.patch;
      const schema = patch?.requestBody?.content["application/json"]?.schema;
      if (!schema) continue;
      for (const [name, property] of Object.entries(resolve(schema).properties ?? {})) {
        if ("default" in (property as object) || "default" in resolve(property))
          offenders.push(`PATCH ${template} ${name}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
