/** Small helpers shared by the research screens: formula error columns, debouncing, number inputs, labels. */
import { useEffect, useState } from "react";

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

export { humanize } from "@/lib/backtestMetrics";
