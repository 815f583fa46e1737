import { isInterval } from "@/lib/intervals";
import { EMPTY_FORM, PATTERN_DIRECTIONS, buildMetadata, toAlertBody, type Operand, type PatternDirection, type RuleForm } from "./rule";
import { CHANNELS, conditionInfo, type Alert, type AlertPatch, type CatalogIndicator, type Channel } from "./types";

/** Editing a stored alert: the form prefilled from it, and the PATCH body of what the user changed. */

/** Metadata keys the form has inputs for; any other key of a stored alert is kept as it is on save. */
const FORM_KEYS = new Set(["indicator", "params", "output", "formula", "lower", "upper", "window", "timeframe", "pattern", "direction"]);

const text = (value: unknown): string => (typeof value === "number" && Number.isFinite(value) ? String(value) : "");

/** An ISO time as an <input type="datetime-local"> value, in local time to the minute. */
export function toLocalInput(iso: string | null | undefined): string {
  if (!iso) return "";
  const at = new Date(iso);
  if (!Number.isFinite(at.getTime())) return "";
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
}

/** The create form's state for a stored alert. `builtins` are the catalog's indicator names: any other
 * `metadata.indicator` is one of the user's custom indicators. */
export function formFromAlert(alert: Alert, builtins: readonly string[]): RuleForm {
  const m = alert.metadata;
  const indicator = typeof m.indicator === "string" ? m.indicator : "";
  const operand: Operand =
    typeof m.formula === "string" ? "FORMULA" : !indicator ? "PRICE" : builtins.includes(indicator) ? "INDICATOR" : "CUSTOM";
  const params = m.params && typeof m.params === "object" ? (m.params as Record<string, unknown>) : {};
  const level = alert.threshold ?? (typeof m.value === "number" ? m.value : null);
  return {
    ...EMPTY_FORM,
    symbol: alert.symbol,
    condition: conditionInfo(alert.condition)?.value ?? EMPTY_FORM.condition,
    operand,
    indicator: operand === "INDICATOR" ? indicator : "",
    params: Object.fromEntries(Object.entries(params).map(([k, v]) => [k, text(v)])),
    output: typeof m.output === "string" ? m.output : "",
    custom: operand === "CUSTOM" ? indicator : "",
    formula: typeof m.formula === "string" ? m.formula : "",
    threshold: text(level),
    lower: text(m.lower),
    upper: text(m.upper),
    window: text(m.window),
    timeframe: typeof m.timeframe === "string" && isInterval(m.timeframe) ? m.timeframe : "",
    pattern: typeof m.pattern === "string" ? m.pattern : "",
    patternDirection: PATTERN_DIRECTIONS.includes(m.direction as PatternDirection) ? (m.direction as PatternDirection) : "any",
    frequency: alert.frequency as RuleForm["frequency"],
    cooldownSeconds: String(alert.cooldownSeconds),
    expiresAt: toLocalInput(alert.expiresAt),
    confirmTicks: String(alert.confirmTicks),
    confirmSeconds: String(alert.confirmSeconds),
    channels: alert.channels.filter((c): c is Channel => (CHANNELS as string[]).includes(c)),
  };
}

/** The metadata to store: the form's keys as it builds them, over the stored alert's keys it has no input for. */
function mergedMetadata(alert: Alert, form: RuleForm, indicator?: CatalogIndicator): Record<string, unknown> {
  const kept = Object.fromEntries(Object.entries(alert.metadata).filter(([key]) => !FORM_KEYS.has(key)));
  return { ...kept, ...buildMetadata(form, indicator) };
}

const PATCHED = ["threshold", "channels", "frequency", "cooldownSeconds", "expiresAt", "confirmTicks", "confirmSeconds"] as const;

/**
 * PATCH /api/alerts/{userId}/{alertId}: only what differs from the prefilled form (`initial`), so that an
 * unchanged level does not re-arm the rule. Empty when nothing changed.
 */
export function toAlertPatch(alert: Alert, initial: RuleForm, form: RuleForm, indicator?: CatalogIndicator): AlertPatch {
  const before = toAlertBody(initial, alert.userId, indicator);
  const after = toAlertBody(form, alert.userId, indicator);
  const patch: Record<string, unknown> = {};
  for (const key of PATCHED) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) patch[key] = after[key];
  }
  const metadata = mergedMetadata(alert, form, indicator);
  if (JSON.stringify(mergedMetadata(alert, initial, indicator)) !== JSON.stringify(metadata)) patch.metadata = metadata;
  return patch;
}
