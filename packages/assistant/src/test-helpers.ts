import type { TestLectern, TestUser } from "@lectern/core/testing";
import { expect } from "vitest";

/** Test helpers shared by this package's test files (not exported from the package). */

export async function publishedCourse(
  t: TestLectern,
  instructor: TestUser,
  admin: TestUser,
  fields: { title: string; description?: string; summary?: string },
) {
  const created = await t.as(instructor).post("/api/courses", {
    title: fields.title,
    summary: fields.summary ?? "",
    description: fields.description ?? "",
  });
  expect(created.status).toBe(201);
  expect((await t.as(instructor).post(`/api/courses/${created.body.id}/submit`)).status).toBe(200);
  expect((await t.as(admin).post(`/api/admin/courses/${created.body.id}/approve`)).status).toBe(200);
  return { id: created.body.id as string, title: fields.title };
}

export async function uploadMaterial(
  t: TestLectern,
  instructor: TestUser,
  courseId: string,
  file: { title: string; kind?: string; bytes: Uint8Array; name: string; type?: string },
): Promise<string> {
  const data = new FormData();
  data.append("title", file.title);
  data.append("kind", file.kind ?? (file.name.endsWith(".pdf") ? "pdf" : "document"));
  data.append("required", "false");
  data.append(
    "file",
    new Blob([new Uint8Array(file.bytes)], { type: file.type ?? "application/octet-stream" }),
    file.name,
  );
  const res = await t.as(instructor).post(`/api/courses/${courseId}/materials`, data);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id;
}

export async function ask(
  t: TestLectern,
  user: TestUser,
  body: { message: string; courseId?: string; conversationId?: string },
) {
  return t.as(user).post("/api/assistant/chat", body);
}
