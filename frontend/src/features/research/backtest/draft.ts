import type { Interval } from "@/lib/intervals";
import type { StrategyInfo, StrategyParam, StrategyRequest } from "../api";
import { utcDay, utcDayStartIso } from "@/lib/dates";

/** The backtest form as typed (inputs hold text) and the request it makes. */

export const RULES = "Rules";
export const RULE_KEYS = ["entry", "exit", "shortEntry", "shortExit"] as const;
export type RuleKey = (typeof RULE_KEYS)[number];

export type Sizing = "ALL_IN" | "FRACTION" | "AMOUNT";
export type Direction = "LONG_ONLY" | "LONG_SHORT";

export interface BacktestDraft {
  strategyName: string;
  params: Record<string, string>; // edited numeric parameters; the others use the strategy's defaults
  rules: Record<RuleKey, string>;
  symbol: string;
  interval: Interval;
  rangeMode: "period" | "dates";
  period: string;
  from: string;
  to: string;
  initialCapital: string;
  fees: string;
  slippage: string;
  sizing: Sizing;
  size: string;
  direction: Direction;
  stopLoss: string;
  takeProfit: string;
  trailingStop: string;
}

export function defaultDraft(now = Date.now()): BacktestDraft {
  return {
    strategyName: "RSI Mean Reversion",
    params: {},
    rules: { entry: "CROSSOVER(EMA(CLOSE, 12), EMA(CLOSE, 26))", exit: "RSI(14) > 70", shortEntry: "", shortExit: "" },
    symbol: "BTC-USD",
    interval: "1h",
    rangeMode: "period",
    period: "1y",
    from: utcDay(-365, now),
    to: utcDay(1, now),
    initialCapital: "10000",
    fees: "0.001",
    slippage: "0.0005",
    sizing: "ALL_IN",
    size: "",
    direction: "LONG_ONLY",
    stopLoss: "",
    takeProfit: "",
    trailingStop: "",
  };
}

export const isRules = (name: string) => name.replace(/[\s_-]/g, "").toLowerCase() === "rules";

export function numericParams(strategy: StrategyInfo | undefined): StrategyParam[] {
  return (strategy?.parameters ?? []).filter((p) => p.type !== "formula");
}

/** The text an input shows for a parameter: what was typed, else the strategy's default. */
export function paramText(draft: BacktestDraft, param: StrategyParam): string {
  return draft.params[param.name] ?? (param.default === undefined ? "" : String(param.default));
}

/** A number when the text is one; the text itself otherwise, for the API to name the field. */
function numeric(text: string): number | string {
  const value = Number(text);
  return text.trim() !== "" && Number.isFinite(value) ? value : text;
}

function optional(text: string): number | undefined {
  if (text.trim() === "") return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : (text as unknown as number);
}

export function buildRequest(draft: BacktestDraft, strategy: StrategyInfo | undefined): StrategyRequest {
  const parameters: Record<string, unknown> = {};
  if (isRules(draft.strategyName)) {
    for (const key of RULE_KEYS) {
      const text = draft.rules[key].trim();
      if (text || key === "entry" || key === "exit") parameters[key] = text;
    }
  } else {
    for (const p of numericParams(strategy)) {
      const text = paramText(draft, p);
      if (text.trim() !== "") parameters[p.name] = numeric(text);
    }
  }
  const sizeShown = draft.sizing !== "ALL_IN";
  const request: StrategyRequest = {
    strategyName: draft.strategyName,
    symbol: draft.symbol,
    interval: draft.interval,
    period: draft.rangeMode === "period" ? draft.period.trim() || "1y" : "1y",
    parameters,
    initialCapital: numeric(draft.initialCapital.trim() || "10000"),
    fees: numeric(draft.fees.trim() || "0") as number,
    slippage: numeric(draft.slippage.trim() || "0") as number,
    sizing: draft.sizing,
    direction: draft.direction,
  };
  if (draft.rangeMode === "dates") {
    if (draft.from) request.from = utcDayStartIso(draft.from);
    if (draft.to) request.to = utcDayStartIso(draft.to);
  }
  if (sizeShown) request.size = optional(draft.size) ?? null;
  const stopLoss = optional(draft.stopLoss);
  const takeProfit = optional(draft.takeProfit);
  const trailingStop = optional(draft.trailingStop);
  if (stopLoss !== undefined) request.stopLoss = stopLoss;
  if (takeProfit !== undefined) request.takeProfit = takeProfit;
  if (trailingStop !== undefined) request.trailingStop = trailingStop;
  return request;
}

/** The request fields the form shows an input for (an API error on any other one is shown as a banner). */
export function shownFields(draft: BacktestDraft, strategy: StrategyInfo | undefined): string[] {
  const fields = ["strategyName", "symbol", "interval", "initialCapital", "fees", "slippage", "sizing", "direction"];
  fields.push("stopLoss", "takeProfit", "trailingStop");
  fields.push(...(draft.rangeMode === "period" ? ["period"] : ["from", "to"]));
  if (draft.sizing !== "ALL_IN") fields.push("size");
  if (isRules(draft.strategyName)) fields.push(...RULE_KEYS.map((k) => `parameters.${k}`));
  else fields.push(...numericParams(strategy).map((p) => `parameters.${p.name}`));
  return fields;
}

const PARAM_LABELS: Record<string, string> = {
  rsiPeriod: "RSI period",
  buyThreshold: "Buy threshold",
  sellThreshold: "Sell threshold",
  fastPeriod: "Fast period",
  slowPeriod: "Slow period",
  signalPeriod: "Signal period",
  period: "Band period",
  stdDev: "Band width (std devs)",
};

export function paramLabel(name: string): string {
  return PARAM_LABELS[name] ?? name;
}

export const RULE_LABELS: Record<RuleKey, string> = {
  entry: "Entry formula",
  exit: "Exit formula",
  shortEntry: "Short entry formula (optional)",
  shortExit: "Short exit formula (optional)",
};
