import { createTestLectern } from "@lectern/core/testing";
import { courses } from "@lectern/courses";
import { liveClasses } from "@lectern/live-classes";
import { describeVideoProvider } from "@lectern/live-classes/testing";
import { jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { JitsiProvider, jitsi } from "./index.js";

describeVideoProvider("jitsi (meet.jit.si, no account)", async () => ({ plugin: jitsi() }));

const SECRET = "a-long-shared-app-secret";
describeVideoProvider("jitsi (self-hosted, JWT)", async () => ({
  plugin: jitsi({ domain: "meet.example.edu", jwt: { appId: "lectern", appSecret: SECRET } }),
}));

const input = {
  classId: "c1",
  meetingId: "lectern-0123456789abcdef",
  data: {},
  title: "Waves & tides",
  startsAt: new Date("2026-03-02T10:00:00Z"),
  durationMinutes: 60,
  user: { id: "u-1", name: "Ada Lovelace", email: "ada@example.edu" },
};

describe("jitsi links", () => {
  it("makes an unguessable room per class on meet.jit.si, with the person's name in the fragment", async () => {
    const provider = new JitsiProvider({ domain: "meet.jit.si", protocol: "https" });
    const a = await provider.createMeeting();
    expect(a.meetingId).toMatch(/^lectern-[0-9a-f]{32}$/);
    const { url } = await provider.joinLink({ ...input, role: "attendee" });
    const link = new URL(url);
    expect(link.origin + link.pathname).toBe("https://meet.jit.si/lectern-0123456789abcdef");
    expect(link.search).toBe("");
    expect(decodeURIComponent(link.hash)).toContain('userInfo.displayName="Ada Lovelace"');
  });

  it("signs a token the server checks: the room, the person, and moderator only for the host", async () => {
    const provider = new JitsiProvider({
      domain: "meet.example.edu",
      protocol: "https",
      jwt: { appId: "lectern", appSecret: SECRET, audience: "jitsi" },
    });
    const verify = async (role: "host" | "attendee") => {
      const token = new URL((await provider.joinLink({ ...input, role })).url).searchParams.get("jwt")!;
      const { payload, protectedHeader } = await jwtVerify(token, new TextEncoder().encode(SECRET), {
        algorithms: ["HS256"],
        issuer: "lectern",
        audience: "jitsi",
        currentDate: new Date("2026-03-02T10:30:00Z"),
      });
      expect(protectedHeader.alg).toBe("HS256");
      expect(payload).toMatchObject({ sub: "meet.example.edu", room: input.meetingId });
      expect(payload.exp).toBe(Date.parse("2026-03-02T12:00:00Z") / 1000);
      return (payload.context as { user: Record<string, string> }).user;
    };
    expect(await verify("host")).toEqual({
      id: "u-1",
      name: "Ada Lovelace",
      email: "ada@example.edu",
      moderator: "true",
    });
    expect((await verify("attendee")).moderator).toBe("false");
    const forged = new URL((await provider.joinLink({ ...input, role: "host" })).url).searchParams.get(
      "jwt",
    )!;
    await expect(jwtVerify(forged, new TextEncoder().encode("another-secret-entirely"))).rejects.toThrow();
  });

  it("refuses a short secret at boot, naming the provider and the field", async () => {
    const boot = createTestLectern({
      plugins: [liveClasses({ providers: [jitsi({ jwt: { appId: "x", appSecret: "short" } })] }), courses()],
    });
    await expect(boot).rejects.toThrow(/jitsi[\s\S]*appSecret/);
  });
});
