/** A schedule's cadence in words ("Weekly on Monday at 08:00 Europe/Berlin"), its next run on its own clock and
 * in UTC; the time zones a schedule can use come from lib/timeZones. */
import { shortUtc, zonedStamp } from "@/lib/dates";
export { browserZone, timeZones } from "@/lib/timeZones";
import type { Cadence, Schedule } from "./api";

/** The API's weekday numbers: 0 Monday .. 6 Sunday. */
export const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"] as const;

export const CADENCES: { value: Cadence; label: string }[] = [
  { value: "DAILY", label: "Daily" },
  { value: "WEEKLY", label: "Weekly" },
  { value: "MONTHLY", label: "Monthly" },
];

export const hourText = (hour: number) => `${String(hour).padStart(2, "0")}:00`;

export type CadenceRule = Pick<Schedule, "cadence" | "weekday" | "dayOfMonth" | "hour" | "timezone">;

/**
 * >>> describeCadence({ cadence: "WEEKLY", weekday: 0, dayOfMonth: null, hour: 8, timezone: "Europe/Berlin" })
 * "Weekly on Monday at 08:00 Europe/Berlin"
 */
export function describeCadence(rule: CadenceRule): string {
  const at = `at ${hourText(rule.hour)} ${rule.timezone}`;
  if (rule.cadence === "WEEKLY") return `Weekly on ${WEEKDAYS[rule.weekday ?? -1] ?? "?"} ${at}`;
  if (rule.cadence === "MONTHLY") {
    const day = rule.dayOfMonth ?? 0;
    // The API runs a day a month lacks on that month's last day.
    return `Monthly on day ${day}${day > 28 ? " (or the month's last day)" : ""} ${at}`;
  }
  return `Daily ${at}`;
}

/** When a schedule runs next, on its zone's clock and in UTC (one line when its zone is UTC). */
export function nextRunText(schedule: Pick<Schedule, "nextRunAt" | "timezone">): { local: string; utc: string | null } {
  const local = `${zonedStamp(schedule.nextRunAt, schedule.timezone, { weekday: true })} ${schedule.timezone}`;
  return { local, utc: schedule.timezone === "UTC" ? null : `${shortUtc(schedule.nextRunAt)} UTC` };
}
