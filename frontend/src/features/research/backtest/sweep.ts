import type { Results, StrategyParam, SweepRow } from "../api";

/** Parameter sweeps: the ranges as typed, how many combinations they make, and the heat-map grid. */

export interface RangeDraft {
  enabled: boolean;
  min: string;
  max: string;
  step: string;
}

const round = (value: number, integer: boolean | undefined) => (integer ? Math.round(value) : +value.toFixed(4));

/** A starting range around the default: half to one and a half times it, in about 4 steps. */
export function defaultRange(p: StrategyParam, enabled: boolean): RangeDraft {
  const base = p.default ?? p.min ?? 1;
  const lo = Math.max(p.min ?? -Infinity, round(base * 0.5, p.integer));
  const hi = Math.min(p.max ?? Infinity, round(base * 1.5, p.integer));
  const step = Math.max(p.integer ? 1 : 0.0001, round((hi - lo) / 4, p.integer));
  return { enabled, min: String(lo), max: String(hi), step: String(step) };
}

/** How many values min..max by step gives (as the API counts them), or null when the range is not valid. */
export function countValues(range: RangeDraft): number | null {
  const min = Number(range.min);
  const max = Number(range.max);
  const step = Number(range.step);
  if ([range.min, range.max, range.step].some((t) => t.trim() === "")) return null;
  if (![min, max, step].every(Number.isFinite) || step <= 0 || min > max) return null;
  return Math.floor((max - min) / step + 1e-9) + 1;
}

export function countCombinations(ranges: Record<string, RangeDraft>): number | null {
  let total = 1;
  let any = false;
  for (const range of Object.values(ranges)) {
    if (!range.enabled) continue;
    const n = countValues(range);
    if (n === null) return null;
    total *= n;
    any = true;
  }
  return any ? total : null;
}

export type Sample = "inSample" | "outOfSample";

export interface HeatGrid {
  xs: number[];
  ys: number[];
  cells: (number | null)[][]; // [y index][x index]
  min: number | null;
  max: number | null;
}

/**
 * The metric over two parameters: one cell per (x, y) pair; when other swept parameters vary too, a cell holds
 * the best value among the rows that share its pair.
 */
export function heatGrid(rows: SweepRow[], x: string, y: string, metric: string, sample: Sample): HeatGrid {
  const xs = [...new Set(rows.map((r) => r.parameters[x]).filter((v): v is number => typeof v === "number"))].sort((a, b) => a - b);
  // Without a second parameter (y empty) the map is a single row.
  const yOf = (r: SweepRow) => (y ? r.parameters[y] : 0);
  const ys = [...new Set(rows.map(yOf).filter((v): v is number => typeof v === "number"))].sort((a, b) => a - b);
  const cells: (number | null)[][] = ys.map(() => xs.map(() => null));
  let min: number | null = null;
  let max: number | null = null;
  for (const row of rows) {
    const results: Results | null = row[sample];
    const value = results?.[metric];
    const xi = xs.indexOf(row.parameters[x] as number);
    const yi = ys.indexOf(yOf(row) as number);
    if (typeof value !== "number" || !Number.isFinite(value) || xi < 0 || yi < 0) continue;
    const current = cells[yi]![xi];
    if (current === null || current === undefined || value > current) cells[yi]![xi] = value;
    min = min === null ? value : Math.min(min, value);
    max = max === null ? value : Math.max(max, value);
  }
  return { xs, ys, cells, min, max };
}

/** Where a value sits between the grid's min (0) and max (1); 0.5 when they are equal. */
export function heatLevel(value: number, min: number, max: number): number {
  return max > min ? (value - min) / (max - min) : 0.5;
}

/** Red (worst) through amber to green (best). */
export function heatColor(level: number): string {
  const t = Math.max(0, Math.min(1, level));
  return `hsl(${Math.round(t * 120)}, 65%, ${Math.round(38 + 6 * Math.sin(Math.PI * t))}%)`;
}
