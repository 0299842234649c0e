import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestLectern, type TestLectern } from "../src/testing/index.js";

describe("GET /api/admin/analytics", () => {
  let t: TestLectern;
  beforeAll(async () => {
    // Sunday 12:00 UTC is already Monday 01:00 in Auckland: the week is the institution's.
    t = await createTestLectern({ timeZone: "Pacific/Auckland", now: "2026-03-01T12:00:00Z" });
  });
  afterAll(() => t.close());

  it("counts users by role and new students per week, in the institution's time zone", async () => {
    const admin = await t.createUser("admin");
    await t.createUser("instructor");
    await t.createUser("student");
    await t.createUser("student");
    t.clock.set("2026-03-10T00:00:00Z"); // a week later, Tuesday in Auckland

    const res = await t.as(admin).get("/api/admin/analytics?weeks=3");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      timeZone: "Pacific/Auckland",
      weeks: ["2026-02-23", "2026-03-02", "2026-03-09"],
      totals: { students: 2, instructors: 1, admins: 1 },
      series: {
        newStudents: [
          { week: "2026-02-23", value: 0 },
          { week: "2026-03-02", value: 2 },
          { week: "2026-03-09", value: 0 },
        ],
      },
      breakdowns: {},
    });
  });

  it("is for admins only, and refuses a window it cannot chart", async () => {
    const instructor = await t.createUser("instructor");
    const admin = await t.createUser("admin");
    expect((await t.anonymous.get("/api/admin/analytics")).status).toBe(401);
    expect((await t.as(instructor).get("/api/admin/analytics")).status).toBe(403);
    expect((await t.as(admin).get("/api/admin/analytics?weeks=105")).status).toBe(422);
    expect((await t.as(admin).get("/api/admin/analytics")).body.weeks).toHaveLength(12);
  });
});
