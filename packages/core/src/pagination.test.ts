import { describe, expect, it } from "vitest";
import { afterTimeAndId, decodeCursor, encodeCursor, InvalidCursorError } from "./pagination.js";
import { users } from "./schema.js";

describe("keyset cursors", () => {
  it("round-trips the sort key and refuses a cursor that is not one", () => {
    const key = ["2026-03-02T10:00:00.000Z", "9b0c…"];
    expect(decodeCursor(encodeCursor(key))).toEqual(key);
    expect(decodeCursor(undefined)).toBeNull();
    expect(() => decodeCursor("not base64 json")).toThrow(InvalidCursorError);
  });

  it("builds the after-the-cursor condition, and answers 422 for a time that is not a date", () => {
    expect(afterTimeAndId(null, users.createdAt, users.id, "asc")).toBeUndefined();
    expect(
      afterTimeAndId(["2026-03-02T10:00:00.000Z", "x"], users.createdAt, users.id, "desc"),
    ).toBeDefined();
    for (const bad of [["yesterday", "x"], ["2026-03-02T10:00:00.000Z"]]) {
      try {
        afterTimeAndId(bad, users.createdAt, users.id, "asc");
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidCursorError);
      }
    }
  });
});
