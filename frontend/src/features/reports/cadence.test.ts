import { describeCadence, nextRunText, timeZones } from "./cadence";
import { weeklyBerlin } from "./fixtures";

describe("a schedule's cadence in words", () => {
  it("says the day, the hour and the zone", () => {
    expect(describeCadence(weeklyBerlin)).toBe("Weekly on Monday at 08:00 Europe/Berlin");
    expect(describeCadence({ cadence: "WEEKLY", weekday: 6, dayOfMonth: null, hour: 18, timezone: "America/New_York" })).toBe(
      "Weekly on Sunday at 18:00 America/New_York",
    );
    expect(describeCadence({ cadence: "DAILY", weekday: null, dayOfMonth: null, hour: 0, timezone: "UTC" })).toBe("Daily at 00:00 UTC");
    expect(describeCadence({ cadence: "MONTHLY", weekday: null, dayOfMonth: 15, hour: 7, timezone: "Asia/Tokyo" })).toBe("Monthly on day 15 at 07:00 Asia/Tokyo");
  });
  it("says when a day some months lack runs", () => {
    expect(describeCadence({ cadence: "MONTHLY", weekday: null, dayOfMonth: 31, hour: 9, timezone: "UTC" })).toBe(
      "Monthly on day 31 (or the month's last day) at 09:00 UTC",
    );
  });
});

describe("the next run", () => {
  it("is given on the schedule's clock and in UTC", () => {
    expect(nextRunText(weeklyBerlin)).toEqual({ local: "Mon 2026-12-07 08:00 Europe/Berlin", utc: "2026-12-07 07:00 UTC" });
  });
  it("is said once for a UTC schedule", () => {
    expect(nextRunText({ nextRunAt: "2026-12-07T08:00:00Z", timezone: "UTC" })).toEqual({ local: "Mon 2026-12-07 08:00 UTC", utc: null });
  });
});

it("lists UTC first, then the zones kept and known, once each", () => {
  const zones = timeZones("Europe/Berlin", "Asia/Calcutta");
  expect(zones[0]).toBe("UTC");
  expect(zones).toContain("Asia/Calcutta"); // an alias some browsers do not list
  expect(zones.filter((z) => z === "Europe/Berlin")).toHaveLength(1);
  expect(zones.length).toBeGreaterThan(100);
});
