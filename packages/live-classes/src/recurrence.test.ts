import { describe, expect, it } from "vitest";
import { localDate, MAX_OCCURRENCES, weeklyStarts, zonedInstant } from "./recurrence.js";

const iso = (dates: Date[]) => dates.map((d) => d.toISOString());

describe("weekly series", () => {
  it("keeps 18:00 in New York when summer time ends, so the UTC time moves an hour later", () => {
    // New York leaves daylight saving time on 2026-11-01.
    const starts = weeklyStarts(new Date("2026-10-25T22:00:00Z"), "America/New_York", { count: 2 });
    expect(iso(starts)).toEqual(["2026-10-25T22:00:00.000Z", "2026-11-01T23:00:00.000Z"]);
  });

  it("keeps a class in a skipped hour an hour later, as calendars do", () => {
    // 02:30 does not exist in Berlin on 2026-03-29.
    expect(
      zonedInstant(
        { year: 2026, month: 3, day: 29, hour: 2, minute: 30, second: 0 },
        "Europe/Berlin",
      ).toISOString(),
    ).toBe("2026-03-29T01:30:00.000Z");
  });

  it("takes the first of a repeated hour", () => {
    // 02:30 happens twice in Berlin on 2026-10-25: first at UTC+2.
    expect(
      zonedInstant(
        { year: 2026, month: 10, day: 25, hour: 2, minute: 30, second: 0 },
        "Europe/Berlin",
      ).toISOString(),
    ).toBe("2026-10-25T00:30:00.000Z");
  });

  it("crosses month and year ends", () => {
    const starts = weeklyStarts(new Date("2026-12-24T09:00:00Z"), "UTC", { count: 3 });
    expect(iso(starts)).toEqual([
      "2026-12-24T09:00:00.000Z",
      "2026-12-31T09:00:00.000Z",
      "2027-01-07T09:00:00.000Z",
    ]);
  });

  it("answers one start too many when a series would pass the limit, so callers can refuse it", () => {
    expect(weeklyStarts(new Date("2026-01-05T09:00:00Z"), "UTC", { count: 500 })).toHaveLength(
      MAX_OCCURRENCES + 1,
    );
    expect(weeklyStarts(new Date("2026-01-05T09:00:00Z"), "UTC", { count: MAX_OCCURRENCES })).toHaveLength(
      MAX_OCCURRENCES,
    );
  });

  it("reads the calendar day in the institution's zone", () => {
    const lateEvening = new Date("2026-03-02T23:30:00Z");
    expect(localDate(lateEvening, "UTC")).toBe("2026-03-02");
    expect(localDate(lateEvening, "Europe/Berlin")).toBe("2026-03-03");
    expect(localDate(lateEvening, "America/Los_Angeles")).toBe("2026-03-02");
  });
});
