import { formatNumber } from "@/lib/format";
import type { Reading } from "./types";

const SIGNAL_KEYS = ["signal", "trend", "cross", "position"];

const number = (v: number) => formatNumber(v, Math.abs(v) >= 1 ? 2 : 6);

/** A reading as table cells: its numbers (`55.81`, or `upper 77,107.37`, `lower …`) and its signal words. */
export function describeReading(reading: Reading): { values: string[]; signals: string[] } {
  const numbers = Object.entries(reading).filter((e): e is [string, number] => typeof e[1] === "number");
  const signals = SIGNAL_KEYS.map((k) => reading[k]).filter((v): v is string => typeof v === "string");
  const values =
    numbers.length === 1 && numbers[0]![0] === "value"
      ? [number(numbers[0]![1])]
      : numbers.map(([k, v]) => `${k} ${number(v)}`);
  return { values, signals };
}

/** "up" for a bullish word, "down" for a bearish one. */
export function leaning(signal: string): "up" | "down" | "" {
  if (signal.includes("BULLISH")) return "up";
  if (signal.includes("BEARISH")) return "down";
  return "";
}

export const humanize = (signal: string) => signal.replace(/_/g, " ").toLowerCase();
