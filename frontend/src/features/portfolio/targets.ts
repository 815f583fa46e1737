/** The form's target rows: percents typed by the user, summed exactly (in millionths of a percent) and sent as
 * decimal strings, so that 60 + 30 + 10 is exactly 1 on the server (it allows 1e-9). */

export interface TargetRow {
  key: number;
  symbol: string;
  percent: string;
}

/** Millionths of a percent in 100 % (a weight of 1). */
export const WHOLE = 100_000_000;
const PERCENT = /^\s*(\d{1,3})(?:[.,](\d{0,6}))?\s*$/;

/** "33.5" -> 33_500_000 (millionths of a percent); undefined when not a percent from 0 to 100 with at most 6 decimals. */
export function percentUnits(text: string): number | undefined {
  const match = PERCENT.exec(text);
  if (!match) return undefined;
  const units = Number(match[1]) * 1_000_000 + Number((match[2] ?? "").padEnd(6, "0"));
  return units <= WHOLE ? units : undefined;
}

/** Millionths of a percent as a weight's exact decimal text: 60_000_000 -> "0.6". */
export function weightText(units: number): string {
  const digits = String(Math.round(units)).padStart(9, "0");
  const fraction = digits.slice(-8).replace(/0+$/, "");
  const whole = String(Number(digits.slice(0, -8)));
  return fraction ? `${whole}.${fraction}` : whole;
}

/** A stored weight (0.6) as the form's percent text ("60"), to 6 decimals. */
export function percentText(weight: number): string {
  return String(Number((weight * 100).toFixed(6)));
}

/** Millionths of a percent as a percent for people: 90_000_000 -> "90%", 33_333_333 -> "33.333333%". */
export function unitsText(units: number): string {
  return `${Number((units / 1_000_000).toFixed(6))}%`;
}

export interface TargetCheck {
  /** Per row key: what is wrong with the row. */
  rows: Record<number, string | undefined>;
  /** The sum in millionths of a percent (rows that do not parse count 0). */
  sum: number;
  /** Why the targets cannot be sent as they are (undefined when they can). */
  problem: string | undefined;
}

/** Each row's symbol and percent, and their sum: 100 %, or no rows at all (no targets: nothing to drift from). */
export function checkTargets(rows: readonly TargetRow[]): TargetCheck {
  const problems: Record<number, string | undefined> = {};
  const seen = new Set<string>();
  let sum = 0;
  for (const row of rows) {
    const units = percentUnits(row.percent);
    if (!row.symbol) problems[row.key] = "Pick a symbol";
    else if (seen.has(row.symbol)) problems[row.key] = `${row.symbol} is listed twice`;
    else if (row.percent.trim() === "") problems[row.key] = "Enter a percent";
    else if (units === undefined) problems[row.key] = "A percent from 0 to 100, at most 6 decimals";
    seen.add(row.symbol);
    sum += units ?? 0;
  }
  const bad = Object.values(problems).filter(Boolean).length;
  let problem: string | undefined;
  if (bad) problem = bad === 1 ? "1 target row needs fixing" : `${bad} target rows need fixing`;
  else if (rows.length && sum !== WHOLE) {
    problem =
      sum < WHOLE
        ? `Targets sum to ${unitsText(sum)}: add ${unitsText(WHOLE - sum)} to reach 100%`
        : `Targets sum to ${unitsText(sum)}: remove ${unitsText(sum - WHOLE)} to get back to 100%`;
  }
  return { rows: problems, sum, problem };
}

/** The API's `targetAllocations`: symbol -> weight as exact decimal text. */
export function toAllocations(rows: readonly TargetRow[]): Record<string, string> {
  return Object.fromEntries(rows.map((row) => [row.symbol, weightText(percentUnits(row.percent) ?? 0)]));
}

/** The optimiser's weights (floats that may sum to 1 ± 1e-16) rounded to 6 decimals of a percent, the rounding
 * given to the largest so that they sum to exactly 1. */
export function exactWeights(weights: Record<string, number>): Record<string, string> {
  const entries = Object.entries(weights).map(([symbol, w]) => [symbol, Math.round(Math.max(0, w) * WHOLE)] as [string, number]);
  const total = entries.reduce((sum, [, units]) => sum + units, 0);
  const largest = entries.reduce((best, entry, i) => (entry[1] > (entries[best]?.[1] ?? -1) ? i : best), 0);
  if (entries[largest] && total > 0) entries[largest][1] += WHOLE - total;
  return Object.fromEntries(entries.map(([symbol, units]) => [symbol, weightText(units)]));
}

/** A band typed as a percent ("3" -> "0.03"); undefined when blank; null when not strictly between 0 and 100. */
export function bandWeight(text: string): string | null | undefined {
  if (text.trim() === "") return undefined;
  const units = percentUnits(text);
  if (units === undefined || units === 0 || units >= WHOLE) return null;
  return weightText(units);
}
