import { describe, expect, it } from "vitest";
import { epochSeconds, isoFromEpoch, shortUtc, utcDay, utcDayEndIso, utcDayStartIso, zonedStamp } from "./dates";

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

describe("zonedStamp", () => {
  it("reads an instant on a zone's wall clock, across daylight saving", () => {
    expect(zonedStamp("2026-12-07T07:00:00Z", "Europe/Berlin")).toBe("2026-12-07 08:00");
    expect(zonedStamp("2026-07-06T06:00:00Z", "Europe/Berlin", { weekday: true })).toBe("Mon 2026-07-06 08:00");
    expect(zonedStamp("2026-03-08T12:00:00Z", "America/New_York")).toBe("2026-03-08 08:00");
    expect(zonedStamp("2026-03-08T00:30:00Z", "UTC")).toBe("2026-03-08 00:30");
  });
  it("falls back to UTC for a zone the browser does not know", () => {
    expect(zonedStamp("2026-03-08T00:30:00Z", "Mars/Olympus")).toBe("2026-03-08 00:30 UTC");
  });
});
