import { isInterval } from "@/lib/intervals";
import { defaultDraft, isRules, RULE_KEYS, type BacktestDraft, type Direction, type Sizing } from "./draft";

/**
 * The backtest form prefilled from its URL (`/research/backtest?strategyName=RSI%20Mean%20Reversion&symbol=BTC-USD&
 * period=1y&p.rsiPeriod=14`, a lesson's try-it link): each key is a BacktestDraft field, and `p.<name>` a strategy
 * parameter (a number; for the Rules strategy, `p.entry`, `p.exit`... are its formulas). A key the form does not
 * know, or a value it would not take, is ignored; the API judges the rest (an unknown strategy name) as usual.
 */

const SYMBOL = /^[A-Z0-9]{1,15}(-[A-Z0-9]{1,10})?$/;
const NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const STRATEGY = /^[A-Za-z0-9][A-Za-z0-9 _-]{0,99}$/;
const PERIOD = /^\d{1,4}[hdwy]$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const SIZINGS: readonly Sizing[] = ["ALL_IN", "FRACTION", "AMOUNT"];
const DIRECTIONS: readonly Direction[] = ["LONG_ONLY", "LONG_SHORT"];
const NUMBERS = ["initialCapital", "fees", "slippage", "size", "stopLoss", "takeProfit", "trailingStop"] as const;

const isNumber = (text: string) => text.trim() !== "" && Number.isFinite(Number(text));

export function draftFromQuery(query: URLSearchParams, now = Date.now()): BacktestDraft {
  const draft = defaultDraft(now);
  const get = (key: string) => query.get(key)?.trim() ?? "";

  const strategy = get("strategyName");
  if (STRATEGY.test(strategy)) draft.strategyName = strategy;
  const symbol = get("symbol").toUpperCase();
  if (SYMBOL.test(symbol)) draft.symbol = symbol;
  const interval = get("interval");
  if (isInterval(interval)) draft.interval = interval;
  const period = get("period");
  if (PERIOD.test(period)) Object.assign(draft, { period, rangeMode: "period" });
  const from = get("from");
  const to = get("to");
  if (DAY.test(from)) Object.assign(draft, { from, rangeMode: "dates" }, DAY.test(to) ? { to } : {});
  const sizing = SIZINGS.find((s) => s === get("sizing"));
  if (sizing) draft.sizing = sizing;
  const direction = DIRECTIONS.find((d) => d === get("direction"));
  if (direction) draft.direction = direction;
  for (const key of NUMBERS) if (isNumber(get(key))) draft[key] = get(key);

  const rules = isRules(draft.strategyName);
  for (const [key, value] of query) {
    const name = key.startsWith("p.") ? key.slice(2) : "";
    if (rules) {
      const rule = RULE_KEYS.find((k) => k === name);
      if (rule && value.length <= 1000) draft.rules = { ...draft.rules, [rule]: value };
    } else if (NAME.test(name) && isNumber(value)) {
      draft.params = { ...draft.params, [name]: value.trim() };
    }
  }
  return draft;
}
