import { ApiError } from "@/api/errors";
import type { Interval } from "@/lib/intervals";
import {
  FREQUENCIES,
  isSeriesCondition,
  type AlertIn,
  type BacktestIn,
  type CatalogIndicator,
  type Channel,
  type Condition,
  type ConditionKind,
  type Frequency,
} from "./types";

// The condition helpers the summaries need too live in src/lib/alertRule.ts (shared with the community).
export { defaultOperator, isPriceCondition, kindOf, type ConfirmOperator } from "@/lib/alertRule";
import { isPriceCondition, kindOf, type ConfirmOperator } from "@/lib/alertRule";

/** The create form's state (inputs as typed), its live validation and the request bodies built from it. */

export type Operand = "PRICE" | "INDICATOR" | "CUSTOM" | "FORMULA";

export interface RuleForm {
  symbol: string;
  condition: Condition;
  operand: Operand;
  indicator: string; // a built-in's name
  params: Record<string, string>;
  output: string;
  custom: string; // a custom indicator's key
  formula: string;
  threshold: string;
  lower: string;
  upper: string;
  window: string;
  timeframe: "" | Interval;
  frequency: Frequency;
  cooldownSeconds: string;
  expiresAt: string; // <input type="datetime-local"> value, local time
  confirmTicks: string;
  confirmSeconds: string;
  confirmValue: string; // a price level's confirmation: the indicator's level (metadata.value)
  confirmOperator: "" | ConfirmOperator; // ...and how it compares ("": >= above, <= below)
  pattern: string; // PATTERN_DETECTED: a candlestick pattern's name (CDLENGULFING) or a chart pattern's kind
  patternDirection: PatternDirection;
  channels: Channel[];
}

export type PatternDirection = "any" | "bullish" | "bearish";
export const PATTERN_DIRECTIONS: PatternDirection[] = ["any", "bullish", "bearish"];
/** A pattern alert's bars when the form names none. */
export const PATTERN_TIMEFRAME: Interval = "1h";

export const CONFIRM_OPERATORS: ConfirmOperator[] = [">=", ">", "<=", "<"];

export const EMPTY_FORM: RuleForm = {
  symbol: "BTC-USD",
  condition: "PRICE_ABOVE",
  operand: "PRICE",
  indicator: "",
  params: {},
  output: "",
  custom: "",
  formula: "",
  threshold: "",
  lower: "",
  upper: "",
  window: "",
  timeframe: "",
  frequency: "ONCE",
  cooldownSeconds: "0",
  expiresAt: "",
  confirmTicks: "1",
  confirmSeconds: "0",
  confirmValue: "",
  confirmOperator: "",
  pattern: "",
  patternDirection: "any",
  channels: ["IN_APP"],
};

/** The form describes a price level confirmed by an indicator. */
export function isConfirmed(form: Pick<RuleForm, "condition" | "operand">): boolean {
  return isPriceCondition(form.condition) && form.operand !== "PRICE";
}

/** Field keys are the API's field names, so a 422's `field` lands on the same input. */
export type FieldErrors = Record<string, string>;

const MAX_LEVEL = 1e15;
const MAX_WINDOW = 1000;
const MAX_COOLDOWN = 30 * 24 * 3600;

/** What a research-series threshold is: its range (as POST /api/alerts checks it), label and hint. */
export interface SeriesInfo {
  min: number;
  max: number;
  label: string;
  hint: string;
}

const SERIES: Record<string, SeriesInfo> = {
  FEAR_GREED: {
    min: 0,
    max: 100,
    label: "Threshold (index 0–100)",
    hint: "The Fear & Greed index, 0 (extreme fear) to 100 (extreme greed); market-wide",
  },
  SENTIMENT: {
    min: 0,
    max: 1,
    label: "Threshold (score 0–1)",
    hint: "The mean score of the posts of the last 24 hours that mention the asset, 0 to 1",
  },
  WHALE_MOVEMENTS: {
    min: 0,
    max: 1_000_000,
    label: "Threshold (transfers in 24 h)",
    hint: "A count of whale transfers in the last 24 hours, 0 to 1,000,000 (BTC, ETH and some ERC-20 tokens)",
  },
};

/** The research series a condition watches (FEAR_GREED_BELOW → Fear & Greed); undefined for any other. */
export function seriesInfo(condition: string): SeriesInfo | undefined {
  return isSeriesCondition(condition) ? SERIES[condition.slice(0, condition.lastIndexOf("_"))] : undefined;
}

/** A research series has no bars: it fires once, or every time (with a cooldown). */
const SERIES_FREQUENCIES: readonly Frequency[] = ["ONCE", "EVERY_TIME"];

/** The frequencies a condition can take. */
export function frequenciesFor(condition: string): typeof FREQUENCIES {
  return isSeriesCondition(condition) ? FREQUENCIES.filter((f) => SERIES_FREQUENCIES.includes(f.value)) : FREQUENCIES;
}

/** The threshold is an amount (a move, a volume multiple) rather than a level. */
export function bySize(kind: ConditionKind): boolean {
  return kind === "move" || kind === "movePercent" || kind === "volume";
}

export function needsWindow(kind: ConditionKind): boolean {
  return kind === "move" || kind === "movePercent" || kind === "volume";
}

/** A number as typed: undefined when empty, NaN when it is not a finite number. */
export function parseNumber(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : Number.NaN;
}

function checkNumber(
  errors: FieldErrors,
  field: string,
  label: string,
  text: string,
  rules: { required?: boolean; positive?: boolean; integer?: boolean; min?: number; max?: number },
): number | undefined {
  const value = parseNumber(text);
  if (value === undefined) {
    if (rules.required) errors[field] = `${label} is required`;
    return undefined;
  }
  if (Number.isNaN(value)) errors[field] = `${label} must be a number`;
  else if (rules.integer && !Number.isInteger(value)) errors[field] = `${label} must be a whole number`;
  else if (rules.positive && value <= 0) errors[field] = `${label} must be above 0`;
  else if (rules.min !== undefined && value < rules.min) errors[field] = `${label} must be at least ${rules.min}`;
  else if (rules.max !== undefined && value > rules.max) errors[field] = `${label} must be at most ${rules.max}`;
  else if (Math.abs(value) >= MAX_LEVEL) errors[field] = `${label} must be below 1e15 in size`;
  else return value;
  return undefined;
}

export function thresholdHint(form: RuleForm): string {
  switch (kindOf(form.condition)) {
    case "series":
      return seriesInfo(form.condition)?.hint ?? "The figure's level";
    case "move":
      return "How much the value must change within the window";
    case "movePercent":
      return "The change in percent within the window, e.g. 5";
    case "volume":
      return "A multiple of the average volume, e.g. 3 = three times";
    default:
      return form.operand === "PRICE" || isConfirmed(form) ? "The price level" : "The indicator's level (may be 0 or negative)";
  }
}

/** Problems with the rule itself: what the backtest needs too. */
export function validateRule(form: RuleForm, indicator?: CatalogIndicator): FieldErrors {
  const errors: FieldErrors = {};
  const kind = kindOf(form.condition);
  const price = form.operand === "PRICE" || isConfirmed(form); // the threshold is a price
  if (!form.symbol.trim()) errors.symbol = "Choose a symbol";
  if (kind === "series") return validateSeries(form, errors);
  if (kind === "pattern") return validatePattern(form, errors);

  if (kind === "volume" && !price) errors.operand = "A volume spike is on the volume: choose Price";
  if (form.operand === "INDICATOR") {
    if (!form.indicator) errors["metadata.indicator"] = "Choose an indicator";
    for (const param of indicator?.params ?? []) {
      checkNumber(errors, `metadata.params.${param.name}`, param.name, form.params[param.name] ?? "", {
        integer: param.integer,
        min: param.min,
        max: param.max,
      });
    }
  } else if (form.operand === "CUSTOM") {
    if (!form.custom) errors["metadata.indicator"] = "Choose one of your indicators";
  } else if (form.operand === "FORMULA") {
    if (!form.formula.trim()) errors["metadata.formula"] = "Write a formula, e.g. RSI(14) - RSI(28)";
    else if (form.formula.length > 1000) errors["metadata.formula"] = "At most 1,000 characters";
  }

  if (kind === "channel") {
    const lower = checkNumber(errors, "metadata.lower", "Lower bound", form.lower, { required: true, positive: price });
    const upper = checkNumber(errors, "metadata.upper", "Upper bound", form.upper, { required: true, positive: price });
    if (lower !== undefined && upper !== undefined && lower >= upper) {
      errors["metadata.lower"] = "Lower bound must be below the upper bound";
    }
  } else {
    checkNumber(errors, "threshold", "Threshold", form.threshold, { required: true, positive: price || bySize(kind) });
  }
  if (isConfirmed(form)) {
    checkNumber(errors, "metadata.value", "Indicator level", form.confirmValue, { required: true });
  }
  if (needsWindow(kind)) {
    checkNumber(errors, "metadata.window", "Window", form.window, {
      required: kind !== "volume",
      integer: true,
      min: 1,
      max: MAX_WINDOW,
    });
  }
  if (form.frequency === "EVERY_TIME") {
    checkNumber(errors, "cooldownSeconds", "Cooldown", form.cooldownSeconds, { integer: true, min: 0, max: MAX_COOLDOWN });
  }
  return errors;
}

/** A research-series rule: a threshold in the series' range, and ONCE or EVERY_TIME; nothing else. */
function validateSeries(form: RuleForm, errors: FieldErrors): FieldErrors {
  const series = seriesInfo(form.condition);
  checkNumber(errors, "threshold", "Threshold", form.threshold, { required: true, min: series?.min, max: series?.max });
  if (!SERIES_FREQUENCIES.includes(form.frequency)) errors.frequency = "A research series fires once or every time";
  if (form.frequency === "EVERY_TIME") {
    checkNumber(errors, "cooldownSeconds", "Cooldown", form.cooldownSeconds, { integer: true, min: 0, max: MAX_COOLDOWN });
  }
  return errors;
}

/** A pattern rule: which pattern, and a cooldown when it fires every time; no threshold, operand or window. */
function validatePattern(form: RuleForm, errors: FieldErrors): FieldErrors {
  if (!form.pattern) errors["metadata.pattern"] = "Choose a pattern";
  if (form.frequency === "EVERY_TIME") {
    checkNumber(errors, "cooldownSeconds", "Cooldown", form.cooldownSeconds, { integer: true, min: 0, max: MAX_COOLDOWN });
  }
  return errors;
}

/** A direction the chosen pattern never has (a double bottom is bullish, a doji neutral) would never fire. */
export function validatePatternDirection(
  form: Pick<RuleForm, "condition" | "patternDirection">,
  pattern: { title: string; direction: string } | undefined,
): FieldErrors {
  if (kindOf(form.condition) !== "pattern" || !pattern || form.patternDirection === "any") return {};
  if (pattern.direction === "both" || pattern.direction === form.patternDirection) return {};
  const only = pattern.direction === "neutral" ? "choose Any" : `choose Any or ${pattern.direction}`;
  return { "metadata.direction": `${pattern.title} is ${pattern.direction}: ${only}` };
}

/** Everything POST /api/alerts checks: the rule, then delivery, expiry and confirmation. */
export function validateAlert(form: RuleForm, indicator?: CatalogIndicator, now = Date.now()): FieldErrors {
  const errors = validateRule(form, indicator);
  if (form.channels.length === 0) errors.channels = "Pick at least one channel";
  if (form.expiresAt) {
    const at = new Date(form.expiresAt).getTime();
    if (!Number.isFinite(at)) errors.expiresAt = "Not a valid date and time";
    else if (at <= now) errors.expiresAt = "Expiry must be in the future";
  }
  checkNumber(errors, "confirmTicks", "Confirm ticks", form.confirmTicks, { integer: true, min: 1, max: 100 });
  checkNumber(errors, "confirmSeconds", "Confirm seconds", form.confirmSeconds, { min: 0, max: 3600 });
  return errors;
}

function num(text: string): number | undefined {
  const value = parseNumber(text);
  return value === undefined || Number.isNaN(value) ? undefined : value;
}

export function buildMetadata(form: RuleForm, indicator?: CatalogIndicator): Record<string, unknown> {
  const metadata: Record<string, unknown> = {};
  const kind = kindOf(form.condition);
  if (kind === "series") return metadata; // judged on the series itself: no operand, bounds, window or timeframe
  if (kind === "pattern") {
    return { pattern: form.pattern, timeframe: form.timeframe || PATTERN_TIMEFRAME, direction: form.patternDirection };
  }
  if (form.operand === "INDICATOR" && form.indicator) {
    metadata.indicator = form.indicator;
    const params: Record<string, number> = {};
    for (const [name, text] of Object.entries(form.params)) {
      const value = num(text);
      if (value !== undefined && (!indicator || indicator.params.some((p) => p.name === name))) params[name] = value;
    }
    if (Object.keys(params).length) metadata.params = params;
    const first = indicator?.outputs[0];
    if (form.output && form.output !== first) metadata.output = form.output;
  } else if (form.operand === "CUSTOM" && form.custom) {
    metadata.indicator = form.custom;
  } else if (form.operand === "FORMULA" && form.formula.trim()) {
    metadata.formula = form.formula.trim();
  }
  if (kind === "channel") {
    metadata.lower = num(form.lower);
    metadata.upper = num(form.upper);
  }
  if (needsWindow(kind) && num(form.window) !== undefined) metadata.window = num(form.window);
  if (isConfirmed(form)) {
    metadata.value = num(form.confirmValue);
    if (form.confirmOperator) metadata.operator = form.confirmOperator;
  }
  if (form.timeframe) metadata.timeframe = form.timeframe;
  return metadata;
}

export function toAlertBody(form: RuleForm, userId: number, indicator?: CatalogIndicator): AlertIn {
  const kind = kindOf(form.condition);
  return {
    userId,
    symbol: form.symbol.trim(),
    condition: form.condition,
    threshold: kind === "channel" || kind === "pattern" ? null : (num(form.threshold) ?? null),
    channels: form.channels,
    metadata: buildMetadata(form, indicator),
    frequency: form.frequency,
    cooldownSeconds: form.frequency === "EVERY_TIME" ? (num(form.cooldownSeconds) ?? 0) : 0,
    expiresAt: form.expiresAt ? new Date(form.expiresAt).toISOString() : null,
    confirmTicks: num(form.confirmTicks) ?? 1,
    confirmSeconds: num(form.confirmSeconds) ?? 0,
  };
}

/** The rule as POST /api/alerts/backtest takes it. A ONCE alert is previewed as EVERY_TIME: it shows every
 * time the rule would have fired (the live alert stops at the first). */
export function toBacktestBody(
  form: RuleForm,
  range: { from?: string; to?: string },
  indicator?: CatalogIndicator,
): BacktestIn {
  const kind = kindOf(form.condition);
  const frequency = form.frequency === "ONCE" ? "EVERY_TIME" : form.frequency;
  return {
    symbol: form.symbol.trim(),
    condition: form.condition,
    threshold: kind === "channel" || kind === "pattern" ? null : (num(form.threshold) ?? null),
    metadata: buildMetadata(form, indicator),
    frequency,
    cooldownSeconds: frequency === "EVERY_TIME" ? (num(form.cooldownSeconds) ?? 0) : 0,
    ...(range.from ? { from: range.from } : {}),
    ...(range.to ? { to: range.to } : {}),
  };
}

/** The form's fields, by the API's names for them. */
export const FORM_FIELDS: readonly string[] = [
  "symbol",
  "condition",
  "operand",
  "threshold",
  "metadata.indicator",
  "metadata.params",
  "metadata.output",
  "metadata.formula",
  "metadata.lower",
  "metadata.upper",
  "metadata.window",
  "metadata.timeframe",
  "metadata.value",
  "metadata.operator",
  "metadata.pattern",
  "metadata.direction",
  "frequency",
  "cooldownSeconds",
  "expiresAt",
  "confirmTicks",
  "confirmSeconds",
  "channels",
];
const KNOWN = new Set(FORM_FIELDS);

/** Map an API field (`metadata.params.period`, `metadata.upper`, `channels.0`) to the form field showing it;
 * undefined for one the form has no input for (`body`, `userId`): that error is shown for the whole form. */
export function formFieldOf(apiField: string | undefined): string | undefined {
  if (!apiField) return undefined;
  if (apiField.startsWith("channels")) return "channels";
  if (apiField.startsWith("metadata.params")) return "metadata.params";
  if (apiField === "metadata") return "metadata.indicator";
  return KNOWN.has(apiField) ? apiField : undefined;
}

/** Whether a preview's error is about the rule (a 422 naming one of the form's inputs): shown next to that input. */
export function isRuleError(error: unknown): error is ApiError {
  return error instanceof ApiError && error.status === 422 && formFieldOf(error.field) !== undefined;
}

// ---- Summaries ----

// In src/lib/alertRule.ts: the community shows shared alerts in the same words.
export { describeRule, operandText, portfolioOf, type Confirmation } from "@/lib/alertRule";
