import { describe, expect, it } from "vitest";
import { epochSeconds, isoFromEpoch, shortUtc, utcDay, utcDayEndIso, utcDayStartIso } from "./dates";

describe("UTC days", () => {
  it("starts a day at UTC midnight, whatever the browser's zone", () => {
    expect(utcDayStartIso("2025-02-01")).toBe("2025-02-01T00:00:00Z");
  });

  it("ends a day at the next UTC midnight, across months and leap days", () => {
    expect(utcDayEndIso("2025-02-01")).toBe("2025-02-02T00:00:00Z");
    expect(utcDayEndIso("2024-02-28")).toBe("2024-02-29T00:00:00Z");
    expect(utcDayEndIso("2025-12-31")).toBe("2026-01-01T00:00:00Z");
  });

  it("gives nothing for an empty or malformed day", () => {
    expect(utcDayStartIso("")).toBeUndefined();
    expect(utcDayEndIso("")).toBeUndefined();
    expect(utcDayStartIso("2025-13-45")).toBeUndefined();
    expect(utcDayStartIso("01/02/2025")).toBeUndefined();
  });

  it("moves today's UTC date by whole days", () => {
    const now = Date.parse("2025-03-01T23:30:00Z");
    expect(utcDay(0, now)).toBe("2025-03-01");
    expect(utcDay(1, now)).toBe("2025-03-02");
    expect(utcDay(-1, now)).toBe("2025-02-28");
  });

  it("converts between epoch seconds and the API's instants", () => {
    expect(isoFromEpoch(1738368000)).toBe("2025-02-01T00:00:00Z");
    expect(epochSeconds("2025-02-01T00:00:00Z")).toBe(1738368000);
    expect(shortUtc("2025-02-01T09:30:00Z")).toBe("2025-02-01 09:30");
    expect(shortUtc(null)).toBe("–");
  });
});
