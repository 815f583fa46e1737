import type { CatalogIndicator } from "@/api/indicators";

/** An overlay the user picked: a built-in by name or one of their custom indicators by id. */
export type OverlayRef = `builtin:${string}` | `custom:${number}`;

export function parseOverlay(ref: string): { kind: "builtin"; name: string } | { kind: "custom"; id: number } | null {
  const [kind, rest = ""] = ref.split(":", 2) as [string, string | undefined];
  if (kind === "builtin" && rest) return { kind, name: rest };
  if (kind === "custom" && /^\d+$/.test(rest)) return { kind, id: Number(rest) };
  return null;
}

/** Built-ins drawn in price units (bands, channels, stops) though their catalog group is not "overlap". */
const PRICE_LIKE = new Set([
  "BBANDS",
  "DONCHIAN",
  "KELTNER",
  "ICHIMOKU",
  "SAR",
  "SUPERTREND",
  "LINEARREG",
  "LINEARREG_INTERCEPT",
  "TSF",
  "VWAP",
  "HEIKIN_ASHI",
]);

/** Moving averages, bands and prices go on the price pane; oscillators and volumes under it. */
export function builtinPane(indicator: Pick<CatalogIndicator, "name" | "group">): "price" | "lower" {
  return indicator.group === "overlap" || indicator.group === "price" || PRICE_LIKE.has(indicator.name)
    ? "price"
    : "lower";
}

/** The outputs worth a line: all of them, except a trend's ±1 direction and Heikin-Ashi's other prices. */
export function builtinOutputs(indicator: Pick<CatalogIndicator, "name" | "outputs">): string[] {
  if (indicator.name === "SUPERTREND") return ["value"];
  if (indicator.name === "HEIKIN_ASHI") return ["close"];
  return indicator.outputs;
}

/** The formula of one output at the defaults: `RSI`, `BBANDS.upper`. */
export function builtinFormula(indicator: Pick<CatalogIndicator, "name" | "outputs">, output: string): string {
  return indicator.outputs.length > 1 ? `${indicator.name}.${output}` : indicator.name;
}

/** The line's legend: `RSI`, `BBANDS upper`. */
export function builtinLabel(indicator: Pick<CatalogIndicator, "name" | "outputs">, output: string): string {
  return indicator.outputs.length > 1 ? `${indicator.name} ${output}` : indicator.name;
}

const median = (values: number[]): number | null => {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? null;
};

/** A custom formula is drawn on the price pane when its values are of the price's size (within 2x). */
export function paneByMagnitude(values: (number | null)[], closes: number[]): "price" | "lower" {
  const m = median(values.filter((v): v is number => v !== null && Number.isFinite(v)));
  const c = median(closes);
  if (m === null || c === null || c <= 0) return "lower";
  const ratio = m / c;
  return ratio > 0.5 && ratio < 2 ? "price" : "lower";
}
