/** UTC dates and times: a date input's day is a UTC day, and every instant sent to the API is UTC with `Z`. */

const DAY_MS = 86_400_000;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

function utcMidnight(day: string): number | undefined {
  if (!DAY.test(day)) return undefined;
  const at = Date.parse(`${day}T00:00:00Z`);
  return Number.isNaN(at) ? undefined : at;
}

/** A date input's value ("2025-02-01") as the instant its UTC day starts ("2025-02-01T00:00:00Z"); undefined
 * when empty or not a day. */
export function utcDayStartIso(day: string): string | undefined {
  const at = utcMidnight(day);
  return at === undefined ? undefined : isoFromEpoch(at / 1000);
}

/** The instant the UTC day after `day` starts: the exclusive end that makes a "to" day inclusive. */
export function utcDayEndIso(day: string): string | undefined {
  const at = utcMidnight(day);
  return at === undefined ? undefined : isoFromEpoch((at + DAY_MS) / 1000);
}

/** Today's UTC date as a date input's value, moved by `days`. */
export function utcDay(days = 0, now = Date.now()): string {
  return new Date(now + days * DAY_MS).toISOString().slice(0, 10);
}

export function epochSeconds(iso: string): number {
  return Math.floor(Date.parse(iso) / 1000);
}

/** Epoch seconds as the API's ISO instant, without milliseconds ("2025-02-01T00:00:00Z"). */
export function isoFromEpoch(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(".000Z", "Z");
}

/** "2025-02-01T00:00:00Z" -> "2025-02-01 00:00" (UTC, as the API stores it). */
export function shortUtc(iso: string | null | undefined): string {
  if (!iso) return "–";
  return iso.replace("T", " ").replace(/:\d\d(\.\d+)?Z$/, "");
}

/** An instant on the wall clock of an IANA time zone: "2026-12-07 08:00" (with the weekday first when asked:
 * "Mon 2026-12-07 08:00"). The zone's name as it is when the browser does not know it. */
export function zonedStamp(iso: string, timeZone: string, { weekday = false }: { weekday?: boolean } = {}): string {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat("en-GB", {
      timeZone,
      weekday: weekday ? "short" : undefined,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    }).formatToParts(new Date(iso));
  } catch {
    return shortUtc(iso) + " UTC";
  }
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "";
  const stamp = `${part("year")}-${part("month")}-${part("day")} ${part("hour")}:${part("minute")}`;
  return weekday ? `${part("weekday")} ${stamp}` : stamp;
}

const locale = () => (typeof navigator !== "undefined" ? navigator.language : "en-US");

/** "just now", "5 minutes ago", "3 hours ago", "2 days ago"; older than a month, the date; "" when unreadable. */
export function timeAgo(iso: string, now = Date.now()): string {
  const seconds = Math.round((now - new Date(iso).getTime()) / 1000);
  if (!Number.isFinite(seconds)) return "";
  if (seconds < 45) return "just now";
  const words = new Intl.RelativeTimeFormat(locale(), { numeric: "always" });
  if (seconds < 3600) return words.format(-Math.max(1, Math.round(seconds / 60)), "minute");
  if (seconds < 86_400) return words.format(-Math.round(seconds / 3600), "hour");
  if (seconds < 30 * 86_400) return words.format(-Math.round(seconds / 86_400), "day");
  return new Date(iso).toLocaleDateString(locale(), { dateStyle: "medium" });
}
