import { readdir } from "node:fs/promises";
import { join } from "node:path";
import type { TestLectern, TestUser } from "@lectern/core/testing";
import { expect } from "vitest";

/** Test helpers shared by this package's test files (not exported from the package). */

export const courseBody = (overrides: Record<string, unknown> = {}) => ({
  title: "Introduction to Databases",
  summary: "Tables, keys and queries.",
  description: "Learn **SQL** step by step.",
  tags: ["sql", "databases"],
  level: "beginner",
  ...overrides,
});

/** An instructor's course, taken through review to published by an admin. */
export async function publishedCourse(
  t: TestLectern,
  instructor: TestUser,
  admin: TestUser,
  overrides: Record<string, unknown> = {},
) {
  const created = await t.as(instructor).post("/api/courses", courseBody(overrides));
  expect(created.status).toBe(201);
  expect((await t.as(instructor).post(`/api/courses/${created.body.id}/submit`)).status).toBe(200);
  const approved = await t.as(admin).post(`/api/admin/courses/${created.body.id}/approve`);
  expect(approved.status).toBe(200);
  return approved.body as { id: string; slug: string; title: string };
}

/** A multipart body with text fields first, then the file, as a browser form sends it. */
export function form(
  fields: Record<string, string>,
  file?: { bytes: Uint8Array; name: string; type?: string },
) {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.append(name, value);
  if (file)
    data.append(
      "file",
      new Blob([new Uint8Array(file.bytes)], { type: file.type ?? "application/octet-stream" }),
      file.name,
    );
  return data;
}

/** Every file under the test Lectern's storage folder (temporary `.part` files included). */
export async function storedFiles(t: TestLectern): Promise<string[]> {
  const root = (t.lectern.context().storage as unknown as { root: string }).root;
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath ?? "", e.name));
}
