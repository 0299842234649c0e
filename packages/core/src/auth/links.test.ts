import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestLectern, type TestLectern } from "../testing/index.js";

describe("the links mailed for invitations and password resets", () => {
  let t: TestLectern;
  beforeAll(async () => {
    t = await createTestLectern({
      publicUrl: "https://campus.example.org",
      // A headless front-end names its own pages; one lives on another host.
      auth: {
        links: { resetPassword: "/account/new-password", acceptInvitation: "https://app.example.org/join" },
      },
    });
  });
  afterAll(() => t.close());

  it("lead to the pages the configuration names, with the token in the query", async () => {
    const admin = await t.createUser("admin");
    await t.createUser("student", { email: "forgetful@example.com" });
    expect(
      (await t.anonymous.post("/api/auth/password-reset", { email: "forgetful@example.com" })).status,
    ).toBe(202);
    expect(
      (
        await t
          .as(admin)
          .post("/api/admin/users", { email: "invited@example.com", name: "In Vited", role: "instructor" })
      ).status,
    ).toBe(201);
    await t.drain();
    const reset = t.mail.find((m) => m.to.includes("forgetful@example.com"))!;
    const invitation = t.mail.find((m) => m.to.includes("invited@example.com"))!;
    expect(reset.text).toMatch(/https:\/\/campus\.example\.org\/account\/new-password\?token=[a-z0-9]+\n/);
    expect(invitation.text).toMatch(/https:\/\/app\.example\.org\/join\?token=[a-z0-9]+\n/);
  });
});
