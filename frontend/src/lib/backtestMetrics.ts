import { formatNumber } from "@/lib/format";

/** How each `results` key of a backtest reads: labels, units and which way is good (the research screens and the
 * community's shared backtests). */

type Kind = "return" | "share" | "ratio" | "money" | "count" | "days" | "flag";

interface MetricSpec {
  label: string;
  kind: Kind;
  signed?: boolean; // coloured up/down by its sign
}

export const METRICS: Record<string, MetricSpec> = {
  totalReturn: { label: "Total return", kind: "return", signed: true },
  cagr: { label: "CAGR", kind: "return", signed: true },
  sharpeRatio: { label: "Sharpe ratio", kind: "ratio", signed: true },
  sortinoRatio: { label: "Sortino ratio", kind: "ratio", signed: true },
  maxDrawdown: { label: "Max drawdown", kind: "return", signed: true },
  maxDrawdownBars: { label: "Longest drawdown (bars)", kind: "count" },
  maxDrawdownDays: { label: "Longest drawdown", kind: "days" },
  winRate: { label: "Win rate", kind: "share" },
  totalTrades: { label: "Trades", kind: "count" },
  profitFactor: { label: "Profit factor", kind: "ratio" },
  expectancy: { label: "Expectancy (per trade)", kind: "money", signed: true },
  averageWin: { label: "Average win", kind: "return", signed: true },
  averageLoss: { label: "Average loss", kind: "return", signed: true },
  bestTrade: { label: "Best trade", kind: "return", signed: true },
  worstTrade: { label: "Worst trade", kind: "return", signed: true },
  exposure: { label: "Exposure", kind: "share" },
  buyAndHoldReturn: { label: "Buy & hold return", kind: "return", signed: true },
  feesPaid: { label: "Fees paid", kind: "money" },
  finalEquity: { label: "Final equity", kind: "money" },
  bars: { label: "Bars", kind: "count" },
  openAtEnd: { label: "Open at the end", kind: "flag" },
};

/** Keys a sweep can rank by (higher is better). */
export const RANKING_METRICS = [
  "sharpeRatio",
  "sortinoRatio",
  "totalReturn",
  "cagr",
  "profitFactor",
  "winRate",
  "expectancy",
  "maxDrawdown",
  "finalEquity",
] as const;

const locale = () => (typeof navigator !== "undefined" ? navigator.language : "en-US");

/** "maxDrawdownDays" -> "Max drawdown days". */
export function humanize(key: string): string {
  const words = key.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function metricLabel(key: string): string {
  return METRICS[key]?.label ?? humanize(key);
}

/** Every key of `results`: the known ones in their usual order, then any others. */
export function metricKeys(...results: (Record<string, unknown> | null | undefined)[]): string[] {
  const present = new Set(results.flatMap((r) => (r ? Object.keys(r) : [])));
  const known = Object.keys(METRICS).filter((k) => present.has(k));
  return [...known, ...[...present].filter((k) => !(k in METRICS))];
}

export function formatMetric(key: string, value: unknown): string {
  if (value === null || value === undefined) return "–";
  if (typeof value === "boolean") return value ? "Yes" : "No";
  if (typeof value === "string") return value;
  if (typeof value !== "number") return JSON.stringify(value);
  if (!Number.isFinite(value)) return "–";
  const kind = METRICS[key]?.kind;
  switch (kind) {
    case "return": {
      const text = (value * 100).toLocaleString(locale(), { minimumFractionDigits: 2, maximumFractionDigits: 2 });
      return (value > 0 ? "+" : "") + text + "%";
    }
    case "share":
      return (value * 100).toLocaleString(locale(), { minimumFractionDigits: 1, maximumFractionDigits: 1 }) + "%";
    case "ratio":
      return value.toLocaleString(locale(), { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    case "money":
      return value.toLocaleString(locale(), { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    case "count":
      return Math.round(value).toLocaleString(locale());
    case "days":
      return value.toLocaleString(locale(), { maximumFractionDigits: 1 }) + " days";
    default:
      return formatNumber(value);
  }
}

/** "up" / "down" for signed metrics, by sign. */
export function metricTone(key: string, value: unknown): "up" | "down" | undefined {
  if (!METRICS[key]?.signed || typeof value !== "number" || value === 0 || !Number.isFinite(value)) return undefined;
  return value > 0 ? "up" : "down";
}

/** A metric's value as a table sorts it: numbers as they are, a flag as 0/1, nothing last. */
export function metricOrder(value: unknown): number | null {
  if (typeof value === "number") return value;
  return typeof value === "boolean" ? Number(value) : null;
}
