import { useEffect, useState } from "react";
import { ApiError } from "@/api/errors";

/** Small helpers shared by the research screens: dates, API field errors, debouncing. */

/** A date input's value ("2025-02-01") as the API's UTC midnight. */
export function dayToIso(day: string): string {
  return `${day}T00:00:00Z`;
}

/** Today's UTC date as a date input's value, moved by `days`. */
export function utcDay(days = 0, now = Date.now()): string {
  return new Date(now + days * 86_400_000).toISOString().slice(0, 10);
}

export function epochSeconds(iso: string): number {
  return Math.floor(Date.parse(iso) / 1000);
}

export function isoFromEpoch(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(".000Z", "Z");
}

/** "2025-02-01T00:00:00Z" -> "2025-02-01 00:00" (UTC, as the API stores it). */
export function shortUtc(iso: string | null | undefined): string {
  if (!iso) return "–";
  return iso.replace("T", " ").replace(/:\d\d(\.\d+)?Z$/, "");
}

/**
 * The API's message for one input, without the "field: " prefix of validation messages; undefined when the
 * error is not about that field.
 */
export function fieldError(error: unknown, field: string): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const detail = error.details.find((d) => d.field === field);
  if (detail) return detail.message;
  if (error.field !== field) return undefined;
  const prefix = `${field}: `;
  return error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
}

/** Whether an error is about one of the given fields (shown next to them rather than as a banner). */
export function isFieldError(error: unknown, fields: Iterable<string>): boolean {
  if (!(error instanceof ApiError) || !error.field) return false;
  const known = new Set(fields);
  return known.has(error.field) || error.details.some((d) => d.field !== undefined && known.has(d.field));
}

/** The 1-based column a formula error names ("unknown function FOO at column 11"), or null. */
export function parseColumn(message: string): number | null {
  const match = /at column (\d+)/.exec(message);
  return match?.[1] ? Number(match[1]) : null;
}

/** A value that settles `delay` ms after its last change. */
export function useDebounced<T>(value: T, delay = 400): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), delay);
    return () => clearTimeout(timer);
  }, [value, delay]);
  return settled;
}

/** A number input's text as a number, or undefined when empty or not a number. */
export function numberOrUndefined(text: string): number | undefined {
  if (text.trim() === "") return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/** "maxDrawdownDays" -> "Max drawdown days". */
export function humanize(key: string): string {
  const words = key.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
