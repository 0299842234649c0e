import { vector } from "@electric-sql/pglite-pgvector";
import { openDatabase, rowsOf } from "@lectern/core";
import { createTestLectern, type TestLectern, type TestUser } from "@lectern/core/testing";
import { courses } from "@lectern/courses";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assistant } from "./index.js";
import { searchPassages } from "./retrieval.js";
import { ask, publishedCourse, uploadMaterial } from "./test-helpers.js";
import { type FakeOpenAI, fakeEmbedding, makeTextPdf, startFakeOpenAI } from "./testing.js";
import type { VectorSearch } from "./vectors.js";

/**
 * pgvector where the database has it, plain `real[]` where it does not. On PGlite the `vector`
 * bundle is loaded into one Lectern and not the other; on a PostgreSQL server the pgvector case
 * runs only when the server offers the extension.
 */
const onServer = !!process.env.LECTERN_TEST_DATABASE_URL;

async function serverHasVector(): Promise<boolean> {
  if (!onServer) return true;
  const probe = await createTestLectern({ plugins: [] });
  try {
    return (
      rowsOf(await probe.lectern.db.execute(sql`select 1 from pg_available_extensions where name = 'vector'`))
        .length > 0
    );
  } finally {
    await probe.close();
  }
}

let fake: FakeOpenAI;
beforeAll(async () => {
  fake = await startFakeOpenAI(48000 + Math.floor(Math.random() * 900));
});
afterAll(() => fake.close());

async function lecternWith(options: { pgvector: boolean }) {
  const t = await createTestLectern({
    plugins: [
      courses(),
      assistant({
        embeddings: { provider: "openai", model: "fake-embed", baseUrl: fake.baseUrl, apiKey: "sk-test" },
        maxRetries: 0,
      }),
    ],
    ...(options.pgvector && !onServer && { pgliteExtensions: { vector } }),
  });
  const admin = await t.createUser("admin");
  const instructor = await t.createUser("instructor");
  const student = await t.createUser("student");
  const course = await publishedCourse(t, instructor, admin, {
    title: "Geology",
    description: "Rocks and how they form.",
  });
  await uploadMaterial(t, instructor, course.id, {
    title: "Rock cycle",
    name: "rocks.pdf",
    bytes: makeTextPdf([
      "Igneous rock forms when magma cools. Granite cools slowly underground and has large crystals.",
      "Sedimentary rock forms from layers of sediment pressed together over millions of years.",
      "Metamorphic rock is changed by heat and pressure: limestone becomes marble.",
    ]),
  });
  await t.drain();
  expect((await t.as(student).post(`/api/courses/${course.id}/enroll`)).status).toBe(201);
  return { t, student, courseId: course.id };
}

/** A question's vector ranking, compared with pgvector or as arrays, from the same stored vectors. */
function ranking(t: TestLectern, courseId: string, question: string, vectorSearch: VectorSearch) {
  const vectorOf = fakeEmbedding(question);
  const length = Math.hypot(...vectorOf);
  const unit = vectorOf.map((v) => v / length);
  return searchPassages(t.lectern.db, {
    question,
    courseIds: [courseId],
    limit: 3,
    vector: unit,
    vectorSearch,
  });
}

async function rankings(t: TestLectern, courseId: string, question: string) {
  return {
    pgvector: await ranking(t, courseId, question, "pgvector"),
    array: await ranking(t, courseId, question, "array"),
  };
}

describe.skipIf(!(await serverHasVector()))("with pgvector in the database", () => {
  let t: TestLectern;
  let student: TestUser;
  let courseId: string;
  beforeAll(async () => {
    ({ t, student, courseId } = await lecternWith({ pgvector: true }));
  });
  afterAll(() => t.close());

  it("installs the extension and ranks passages with it", async () => {
    expect(await t.lectern.services.get("assistant").vectorSearch()).toBe("pgvector");
    const installed = rowsOf(
      await t.lectern.db.execute(sql`select 1 from pg_extension where extname = 'vector'`),
    );
    expect(installed).toHaveLength(1);
    const res = await ask(t, student, { message: "How does marble form from limestone?", courseId });
    expect(res.status).toBe(200);
    expect(res.body.sources[0]).toMatchObject({ title: "Rock cycle", page: 3 });
  });

  it("ranks as the real[] fallback does, and leaves out vectors of another size", async () => {
    const question = "Why does granite have large crystals?";
    const { pgvector, array } = await rankings(t, courseId, question);
    expect(pgvector.map((p) => p.id)).toEqual(array.map((p) => p.id));
    expect(pgvector[0]!.page).toBe(1);
    // A passage embedded by an earlier model of another size must not break the query.
    await t.lectern.db.execute(
      sql`update assistant_passages set embedding = '{1,0,0}' where id = ${pgvector[1]!.id}`,
    );
    const after = await rankings(t, courseId, question);
    expect(after.pgvector.map((p) => p.id)).toEqual(after.array.map((p) => p.id));
    expect(after.pgvector[0]!.page).toBe(1);
  });
});

describe("an embedded database with the vector bundle", () => {
  it("opens with the extensions it is given, and only then offers pgvector", async () => {
    const withVector = await openDatabase({ extensions: { vector } });
    const plain = await openDatabase({});
    try {
      await withVector.db.execute(sql`create extension if not exists vector`);
      const distance = rowsOf<{ d: number }>(
        await withVector.db.execute(sql`select '[1,0]'::vector <#> '[0.6,0.8]'::vector as d`),
      );
      expect(Number(distance[0]!.d)).toBeCloseTo(-0.6);
      await expect(plain.db.execute(sql`create extension vector`)).rejects.toThrow();
    } finally {
      await withVector.close();
      await plain.close();
    }
  });
});

describe("without pgvector", () => {
  let t: TestLectern;
  let student: TestUser;
  let courseId: string;
  beforeAll(async () => {
    ({ t, student, courseId } = await lecternWith({ pgvector: false }));
  });
  afterAll(() => t.close());

  it.skipIf(onServer)("compares vectors as real[] and still answers by meaning and words", async () => {
    expect(await t.lectern.services.get("assistant").vectorSearch()).toBe("array");
    const res = await ask(t, student, { message: "How does marble form from limestone?", courseId });
    expect(res.status).toBe(200);
    expect(res.body.sources[0]).toMatchObject({ title: "Rock cycle", page: 3 });
  });

  it("the real[] path ranks by meaning on any database", async () => {
    const array = await ranking(t, courseId, "Why does granite have large crystals?", "array");
    expect(array[0]!.page).toBe(1);
  });
});
