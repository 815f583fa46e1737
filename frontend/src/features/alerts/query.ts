import { isInterval } from "@/lib/intervals";
import { EMPTY_FORM, type Operand, type RuleForm } from "./rule";
import { conditionInfo, FREQUENCIES } from "./types";

/**
 * The create form prefilled from its URL (`/alerts/new?symbol=BTC-USD&condition=CROSSING_UP&operand=INDICATOR&
 * indicator=RSI&p.period=14&threshold=70&timeframe=1h`, a lesson's try-it link): each key is a RuleForm field, and
 * `p.<name>` an indicator parameter. A key the form does not know, or a value it would not take, is ignored.
 */

const SYMBOL = /^[A-Z0-9]{1,15}(-[A-Z0-9]{1,10})?$/;
const NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const OPERANDS: readonly Operand[] = ["PRICE", "INDICATOR", "CUSTOM", "FORMULA"];
const NUMBERS = ["threshold", "lower", "upper", "window", "cooldownSeconds"] as const;

const isNumber = (text: string) => text.trim() !== "" && Number.isFinite(Number(text));

export function formFromQuery(query: URLSearchParams): RuleForm {
  const form: RuleForm = { ...EMPTY_FORM, params: {} };
  const get = (key: string) => query.get(key)?.trim() ?? "";

  const symbol = get("symbol").toUpperCase();
  if (SYMBOL.test(symbol)) form.symbol = symbol;
  const condition = conditionInfo(get("condition"));
  if (condition) form.condition = condition.value;
  const frequency = FREQUENCIES.find((f) => f.value === get("frequency"));
  if (frequency) form.frequency = frequency.value;
  const timeframe = get("timeframe");
  if (isInterval(timeframe)) form.timeframe = timeframe;
  for (const key of NUMBERS) if (isNumber(get(key))) form[key] = get(key);

  const indicator = get("indicator");
  if (NAME.test(indicator)) form.indicator = indicator;
  const custom = get("custom");
  if (NAME.test(custom)) form.custom = custom;
  const output = get("output");
  if (NAME.test(output)) form.output = output;
  const formula = get("formula");
  if (formula && formula.length <= 1000) form.formula = formula;
  for (const [key, value] of query) {
    const name = key.startsWith("p.") ? key.slice(2) : "";
    if (NAME.test(name) && isNumber(value)) form.params[name] = value.trim();
  }

  const operand = OPERANDS.find((o) => o === get("operand"));
  // An indicator, custom indicator or formula given without its operand still says which one is meant.
  form.operand = operand ?? (form.indicator ? "INDICATOR" : form.custom ? "CUSTOM" : form.formula ? "FORMULA" : EMPTY_FORM.operand);
  if (form.operand !== "INDICATOR") Object.assign(form, { indicator: "", params: {}, output: "" });
  if (form.operand !== "CUSTOM") form.custom = "";
  if (form.operand !== "FORMULA") form.formula = "";
  return form;
}
