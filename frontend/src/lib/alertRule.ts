/**
 * Alert rules in words, shared by the alert screens and the community (a post's shared alert): the conditions
 * table (labels, how each uses its numbers) and one-line summaries ("RSI(period=14) crosses up through 70 · 1h").
 */
import type { components } from "@/api/schema";
import { formatNumber, formatPrice } from "@/lib/format";

type Condition = components["schemas"]["AlertIn"]["condition"];

/** How a condition uses its numbers ("pattern": none, a candlestick or chart pattern on closed bars). */
export type ConditionKind = "level" | "cross" | "channel" | "move" | "movePercent" | "volume" | "series" | "pattern";

export interface ConditionInfo {
  value: Condition;
  label: string;
  kind: ConditionKind;
  group: string;
}

export const CONDITIONS: ConditionInfo[] = [
  { value: "PRICE_ABOVE", label: "At or above", kind: "level", group: "Level" },
  { value: "PRICE_BELOW", label: "At or below", kind: "level", group: "Level" },
  { value: "GREATER_THAN", label: "Strictly above", kind: "level", group: "Level" },
  { value: "LESS_THAN", label: "Strictly below", kind: "level", group: "Level" },
  { value: "CROSSING", label: "Crosses (either way)", kind: "cross", group: "Crossing" },
  { value: "CROSSING_UP", label: "Crosses up", kind: "cross", group: "Crossing" },
  { value: "CROSSING_DOWN", label: "Crosses down", kind: "cross", group: "Crossing" },
  { value: "ENTERING_CHANNEL", label: "Enters channel", kind: "channel", group: "Channel" },
  { value: "EXITING_CHANNEL", label: "Exits channel", kind: "channel", group: "Channel" },
  { value: "INSIDE_CHANNEL", label: "Inside channel", kind: "channel", group: "Channel" },
  { value: "OUTSIDE_CHANNEL", label: "Outside channel", kind: "channel", group: "Channel" },
  { value: "MOVING_UP", label: "Moves up by", kind: "move", group: "Move" },
  { value: "MOVING_DOWN", label: "Moves down by", kind: "move", group: "Move" },
  { value: "MOVING_UP_PERCENT", label: "Moves up by %", kind: "movePercent", group: "Move" },
  { value: "MOVING_DOWN_PERCENT", label: "Moves down by %", kind: "movePercent", group: "Move" },
  { value: "VOLUME_SPIKE", label: "Volume spike", kind: "volume", group: "Volume" },
  // Judged every 5 minutes on the research figures (docs/API.md "Alerts on the research series"), not on ticks.
  { value: "FEAR_GREED_BELOW", label: "Fear & Greed below", kind: "series", group: "Research series" },
  { value: "FEAR_GREED_ABOVE", label: "Fear & Greed above", kind: "series", group: "Research series" },
  { value: "SENTIMENT_BELOW", label: "Sentiment below", kind: "series", group: "Research series" },
  { value: "SENTIMENT_ABOVE", label: "Sentiment above", kind: "series", group: "Research series" },
  { value: "WHALE_MOVEMENTS_ABOVE", label: "Whale movements above", kind: "series", group: "Research series" },
  // A candlestick (CDLENGULFING) or chart pattern (double_bottom) completed on a closed bar: metadata, no threshold.
  { value: "PATTERN_DETECTED", label: "Pattern detected", kind: "pattern", group: "Patterns" },
];

export function conditionInfo(condition: string): ConditionInfo | undefined {
  return CONDITIONS.find((c) => c.value === condition);
}

/** A research-series condition (Fear & Greed, sentiment, whale movements): judged on a figure, not a price. */
export function isSeriesCondition(condition: string): boolean {
  return conditionInfo(condition)?.kind === "series";
}

/** How a list names a condition: a research series or a pattern by its label ("Fear & Greed below"), the rest as
 * the API does. */
export function conditionText(condition: string): string {
  const kind = conditionInfo(condition)?.kind;
  return kind === "series" || kind === "pattern" ? (conditionInfo(condition)?.label ?? condition) : condition;
}

/** A pattern as a rule names it: TA-Lib's name for a candlestick pattern (CDLENGULFING), a chart pattern's kind in
 * words ("Double bottom"). */
export function patternText(pattern: string): string {
  if (/^CDL/.test(pattern)) return pattern;
  const words = pattern.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function describePatternRule(metadata: Record<string, unknown>): string {
  const pattern = typeof metadata.pattern === "string" ? patternText(metadata.pattern) : "A pattern";
  const direction = typeof metadata.direction === "string" && metadata.direction !== "any" ? ` (${metadata.direction})` : "";
  const timeframe = typeof metadata.timeframe === "string" ? metadata.timeframe : "1h";
  return `${pattern}${direction} detected · ${timeframe}`;
}

export type ConfirmOperator = ">=" | ">" | "<=" | "<";

/** PRICE_ABOVE/PRICE_BELOW: price conditions; with an indicator operand the indicator confirms the price. */
export function isPriceCondition(condition: string): boolean {
  return condition === "PRICE_ABOVE" || condition === "PRICE_BELOW";
}

export function defaultOperator(condition: string): ConfirmOperator {
  return condition === "PRICE_BELOW" ? "<=" : ">=";
}

export function kindOf(condition: string): ConditionKind {
  return conditionInfo(condition)?.kind ?? "level";
}

const LEVEL_WORDS: Record<string, string> = {
  PRICE_ABOVE: "≥",
  PRICE_BELOW: "≤",
  GREATER_THAN: ">",
  LESS_THAN: "<",
  CROSSING: "crosses",
  CROSSING_UP: "crosses up through",
  CROSSING_DOWN: "crosses down through",
};

const CHANNEL_WORDS: Record<string, string> = {
  ENTERING_CHANNEL: "enters",
  EXITING_CHANNEL: "exits",
  INSIDE_CHANNEL: "is inside",
  OUTSIDE_CHANNEL: "is outside",
};

function asNumber(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/** The operand in words: "Price", "RSI(period=14)", "MACD.signal", a formula. */
export function operandText(metadata: Record<string, unknown>): string {
  if (typeof metadata.formula === "string") return metadata.formula;
  if (typeof metadata.indicator === "string") {
    const params = metadata.params && typeof metadata.params === "object" ? (metadata.params as Record<string, unknown>) : {};
    const args = Object.entries(params)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(", ");
    const output = typeof metadata.output === "string" ? `.${metadata.output}` : "";
    return `${metadata.indicator}${args ? `(${args})` : ""}${output}`;
  }
  return "Price";
}

/** The API's account of a price level's confirmation (AlertOut.confirmation). */
export interface Confirmation {
  indicator: string;
  timeframe: string;
  operator: string;
  value: number;
}

/** Both parts of a confirmed price level: "price above 50,000 while RSI(14) 1h >= 70" (the indicator as the API
 * shows it when given, with its defaults filled; else as the metadata names it). */
function describeConfirmed(condition: string, threshold: number | null, metadata: Record<string, unknown>, confirmation?: Confirmation | null): string {
  const side = condition === "PRICE_BELOW" ? "below" : "above";
  const indicator = confirmation?.indicator ?? operandText(metadata);
  const timeframe = confirmation?.timeframe ?? (typeof metadata.timeframe === "string" ? metadata.timeframe : "1h");
  const operator = confirmation?.operator ?? (typeof metadata.operator === "string" ? metadata.operator : defaultOperator(condition));
  const value = confirmation?.value ?? asNumber(metadata.value);
  return `price ${side} ${formatNumber(threshold ?? undefined, 8)} while ${indicator} ${timeframe} ${operator} ${formatNumber(value, 8)}`;
}

/** One line for a rule: "Price ≥ 150,000.00", "RSI(period=14) crosses up through 70 · 1h",
 * "price above 50,000 while RSI(14) 1h >= 70". */
/** The portfolio a risk alert watches (`metadata.portfolioId`); null for a price or indicator alert. */
export function portfolioOf(metadata: Record<string, unknown>): number | null {
  const id = metadata.portfolioId;
  return typeof id === "number" && Number.isSafeInteger(id) ? id : null;
}

function describePortfolioRule(condition: string, threshold: number | null): string {
  switch (condition) {
    case "ALLOCATION_DRIFT":
      return threshold === null ? "Allocation drifts beyond the portfolio's band" : `Allocation drifts beyond ±${formatNumber(threshold * 100)}%`;
    case "DRAWDOWN_BELOW":
      return `Drawdown from the peak ≤ ${formatNumber(threshold ?? 0)}%`;
    case "VAR_BREACH":
      return "A day's loss beyond the 1-day VaR95";
    case "VALUE_ABOVE":
      return `Value ≥ ${formatPrice(threshold ?? 0)}`;
    default:
      return `Value < ${formatPrice(threshold ?? 0)}`;
  }
}

export function describeRule(
  condition: string,
  threshold: number | null,
  metadata: Record<string, unknown>,
  confirmation?: Confirmation | null,
): string {
  if (portfolioOf(metadata) !== null) return describePortfolioRule(condition, threshold);
  const kind = kindOf(condition);
  if (kind === "pattern") return describePatternRule(metadata);
  if (kind === "series") return `${conditionInfo(condition)?.label ?? condition} ${formatNumber(threshold ?? undefined)}`;
  const operand = operandText(metadata);
  if (isPriceCondition(condition) && operand !== "Price") return describeConfirmed(condition, threshold, metadata, confirmation);
  const price = operand === "Price";
  const fmt = (v: number | undefined) => (v === undefined ? "?" : price ? formatPrice(v) : formatNumber(v));
  const level = asNumber(metadata.value) ?? threshold ?? undefined;
  const window = asNumber(metadata.window);
  const timeframe = typeof metadata.timeframe === "string" ? metadata.timeframe : price ? undefined : "1h";
  let text: string;
  switch (kind) {
    case "channel":
      text = `${operand} ${CHANNEL_WORDS[condition] ?? condition} [${fmt(asNumber(metadata.lower))} – ${fmt(asNumber(metadata.upper))}]`;
      break;
    case "move":
      text = `${operand} ${condition === "MOVING_UP" ? "rises" : "falls"} by ≥ ${formatNumber(level)} in ${window ?? "?"} bars`;
      break;
    case "movePercent":
      text = `${operand} ${condition === "MOVING_UP_PERCENT" ? "rises" : "falls"} by ≥ ${formatNumber(level)}% in ${window ?? "?"} bars`;
      break;
    case "volume":
      text = `Volume ≥ ${formatNumber(level)}× the average of ${window ?? 20} bars`;
      break;
    default:
      text = `${operand} ${LEVEL_WORDS[condition] ?? condition} ${fmt(level)}`;
  }
  return timeframe ? `${text} · ${timeframe}` : text;
}
