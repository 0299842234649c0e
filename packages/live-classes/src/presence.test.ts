import { describe, expect, it } from "vitest";
import { mergePresence, type PresenceEvent } from "./presence.js";

const window = {
  startsAt: new Date("2026-03-03T10:00:00Z"),
  endsAt: new Date("2026-03-03T11:00:00Z"),
  now: new Date("2026-03-03T12:00:00Z"),
};
const at = (hhmm: string) => new Date(`2026-03-03T${hhmm}:00Z`);
const e = (
  kind: "joined" | "left",
  hhmm: string,
  source: PresenceEvent["source"] = "webhook",
): PresenceEvent => ({
  kind,
  at: at(hhmm),
  source,
});

describe("merging one person's presence", () => {
  it("is nothing without a join", () => {
    expect(mergePresence([e("left", "10:30")], window)).toBeNull();
  });

  it("has a join time but no minutes from Lectern's redirect alone", () => {
    expect(mergePresence([e("joined", "09:50", "lectern")], window)).toEqual({
      joinedAt: at("09:50"),
      leftAt: null,
      minutesPresent: null,
    });
  });

  it("counts time inside the class only, with stretches united across sources and devices", () => {
    const merged = mergePresence(
      [
        e("joined", "09:50", "lectern"),
        e("joined", "09:55"),
        e("joined", "10:10"), // a second device
        e("left", "10:20"),
        e("left", "10:30"),
        e("joined", "09:55", "report"),
        e("left", "10:30", "report"),
        e("joined", "10:45"),
      ],
      window,
    );
    // 10:00–10:30 and 10:45–11:00 (still in at the end).
    expect(merged).toEqual({ joinedAt: at("09:50"), leftAt: at("10:30"), minutesPresent: 45 });
  });

  it("gives the same answer whatever order the events arrived in", () => {
    const events = [e("joined", "10:05"), e("left", "10:15"), e("joined", "10:20"), e("left", "10:50")];
    const forward = mergePresence(events, window);
    expect(forward?.minutesPresent).toBe(40);
    expect(mergePresence([...events].reverse(), window)).toEqual(forward);
  });

  it("runs a stretch still open only until now while the class is on", () => {
    const merged = mergePresence([e("joined", "10:00")], { ...window, now: at("10:25") });
    expect(merged?.minutesPresent).toBe(25);
  });
});
