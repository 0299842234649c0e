import { DEMO_PASSWORD } from "@lectern/core";
import { createTestLectern, type TestLectern } from "@lectern/core/testing";
import { courses } from "@lectern/courses";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { certificates } from "./index.js";

let t: TestLectern;

beforeAll(async () => {
  t = await createTestLectern({ plugins: [courses(), certificates()], demo: true });
  await t.lectern.seedDemo();
  await t.drain();
});
afterAll(() => t.close());

describe("the demo seed", () => {
  it("gives the demo student two issued certificates, and changes nothing when run again", async () => {
    const login = await t.anonymous.post("/api/auth/login", {
      email: "student@example.com",
      password: DEMO_PASSWORD,
    });
    const mine = async () => (await t.as(login.body).get("/api/me/certificates")).body.items;
    const first = await mine();
    expect(first).toHaveLength(2);
    for (const certificate of first) {
      expect(certificate).toMatchObject({ status: "issued", holderName: login.body.user.name });
      expect((await t.anonymous.get(`/api/verify/${certificate.code}`)).body.valid).toBe(true);
    }
    await t.lectern.seedDemo();
    await t.drain();
    expect(await mine()).toEqual(first);
  });
});
