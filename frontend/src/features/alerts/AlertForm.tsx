import { useEffect, useMemo, useState, type FormEvent } from "react";
import { useNavigate } from "react-router-dom";
import { ApiError } from "@/api/errors";
import { useIndicatorCatalog } from "@/api/indicators";
import { usePatternCatalog } from "@/api/patterns";
import { useSymbols } from "@/api/symbols";
import { Card, Field } from "@/components/ui";
import { formatPrice } from "@/lib/format";
import { INTERVALS } from "@/lib/intervals";
import { useFormErrors } from "@/lib/useFormErrors";
import { useLive, watchSymbols } from "@/realtime/socket";
import { useUi } from "@/stores/ui";
import { BacktestPreview } from "./BacktestPreview";
import { useBacktest, useCreateAlert, useUpdateAlert, useUserId } from "./hooks";
import { OperandFields } from "./OperandFields";
import { findPattern, PatternFields } from "./PatternFields";
import { PatternStatsPreview } from "./PatternStatsPreview";
import { toAlertPatch } from "./prefill";
import {
  EMPTY_FORM,
  FORM_FIELDS,
  PATTERN_TIMEFRAME,
  formFieldOf,
  CONFIRM_OPERATORS,
  defaultOperator,
  frequenciesFor,
  isConfirmed,
  isPriceCondition,
  isRuleError,
  kindOf,
  needsWindow,
  seriesInfo,
  thresholdHint,
  toAlertBody,
  validateAlert,
  validatePatternDirection,
  validateRule,
  type RuleForm,
} from "./rule";
import { CHANNELS, CONDITIONS, type Alert, type Channel, type Condition, type Frequency } from "./types";

const CHANNEL_NAMES: Record<Channel, string> = {
  IN_APP: "In the app",
  EMAIL: "Email",
  SMS: "SMS",
  DISCORD: "Discord",
  TELEGRAM: "Telegram",
  WEBHOOK: "Webhook",
};

const GROUPS = [...new Set(CONDITIONS.map((c) => c.group))];
const FIXED = "Fixed once created: make a new alert to change it";

/** Which form field a rule-level field error belongs to, for labels in the summary. */
const LABELS: Record<string, string> = {
  symbol: "Symbol",
  operand: "Operand",
  "metadata.indicator": "Indicator",
  "metadata.formula": "Formula",
  threshold: "Threshold",
  frequency: "Frequency",
  "metadata.lower": "Lower bound",
  "metadata.upper": "Upper bound",
  "metadata.window": "Window",
  "metadata.value": "Indicator level",
  "metadata.pattern": "Pattern",
  "metadata.direction": "Direction",
  cooldownSeconds: "Cooldown",
  expiresAt: "Expires at",
  confirmTicks: "Confirm ticks",
  confirmSeconds: "Confirm seconds",
  channels: "Channels",
};

function useLivePrice(symbol: string): number | undefined {
  useEffect(() => (symbol ? watchSymbols([symbol]) : undefined), [symbol]);
  return useLive((s) => s.quotes[symbol]?.price);
}

/** Create an alert: every condition, operand, frequency and channel the API takes, validated as you type,
 * with the API's own field errors shown next to the field they name, and a "would have fired" preview.
 * Given an `alert` (and `initial`, the form prefilled from it), it edits that alert instead: the symbol and
 * condition are fixed, and saving sends only what changed (PATCH). */
export function AlertForm({ initial = EMPTY_FORM, alert }: { initial?: RuleForm; alert?: Alert }) {
  const navigate = useNavigate();
  const userId = useUserId();
  const symbols = useSymbols({ staleTime: 10 * 60_000 });
  const catalog = useIndicatorCatalog();
  const create = useCreateAlert();
  const update = useUpdateAlert();
  const save = alert ? update : create;
  const backtest = useBacktest();
  const [form, setForm] = useState<RuleForm>(initial);
  const livePrice = useLivePrice(form.symbol);

  const kind = kindOf(form.condition);
  const series = kind === "series"; // a research series: only a threshold, judged every 5 minutes, no preview
  const pattern = kind === "pattern"; // a pattern on closed bars: no operand or threshold; its record as the preview
  const patterns = usePatternCatalog({ enabled: pattern });
  const patternInfo = findPattern(patterns.data, form.pattern);
  const frequencies = frequenciesFor(form.condition);
  const indicator = useMemo(
    () => (form.operand === "INDICATOR" ? catalog.data?.indicators.find((i) => i.name === form.indicator) : undefined),
    [catalog.data, form.operand, form.indicator],
  );
  const directionError = validatePatternDirection(form, patternInfo);
  const ruleErrors = { ...validateRule(form, indicator), ...directionError };
  const problems = { ...validateAlert(form, indicator), ...directionError };
  const invalid = Object.keys(problems).length > 0;
  const patch = alert ? toAlertPatch(alert, initial, form, indicator) : undefined;
  const unchanged = patch !== undefined && Object.keys(patch).length === 0;

  // The API's word on the rule comes from sending the alert or from previewing it: the newer is believed first.
  const requests = [
    { at: save.submittedAt, error: save.error },
    { at: backtest.submittedAt, error: isRuleError(backtest.error) ? backtest.error : undefined },
  ];
  const apiErrors = requests.sort((a, b) => b.at - a.at).map((r) => r.error);
  const errors = useFormErrors<string>(FORM_FIELDS, apiErrors, formFieldOf, { live: problems, touchedOnly: true });
  const error = errors.of;
  const formError = errors.general ?? (save.error instanceof ApiError ? undefined : save.error?.message);
  const describedBy = (field: string, id: string) =>
    error(field) ? { "aria-invalid": true as const, "aria-describedby": `${id}-error` } : {};

  /** Apply a change and mark these fields as edited: their checks show from now on, the API's messages go. */
  function change(patch: Partial<RuleForm>, ...fields: string[]) {
    setForm((f) => ({ ...f, ...patch }));
    errors.edited(...fields);
  }

  function onCondition(condition: Condition) {
    const patch: Partial<RuleForm> = { condition };
    if (kindOf(condition) === "volume" || kindOf(condition) === "pattern") patch.operand = "PRICE";
    if (kindOf(condition) === "series") {
      patch.operand = "PRICE";
      if (!frequenciesFor(condition).some((f) => f.value === form.frequency)) patch.frequency = "ONCE";
    }
    change(patch, "condition");
    // The numbers mean something else now: drop what the API said about them (without flagging them yet).
    errors.dismiss("operand", "threshold", "metadata.lower", "metadata.upper", "metadata.window");
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    errors.submitted();
    if (invalid || !userId) return;
    if (alert && patch) {
      update.mutate(
        { alertId: alert.id, patch },
        {
          onSuccess: (saved) => {
            useUi.getState().toast({ kind: "success", title: `Alert #${saved.id} saved`, body: `${saved.symbol} ${saved.condition}` });
            void navigate("/alerts");
          },
        },
      );
      return;
    }
    create.mutate(toAlertBody(form, userId, indicator), {
      onSuccess: (alert) => {
        useUi.getState().toast({ kind: "success", title: `Alert #${alert.id} created`, body: `${alert.symbol} ${alert.condition}` });
        void navigate("/alerts", { state: { createdAlert: alert.id } }); // the list focuses it
      },
    });
  }

  const pending = Object.entries(problems).filter(([field]) => !error(field));
  const symbolList = symbols.data ?? [];

  return (
    <div className="stack">
      <form className="stack" onSubmit={submit} noValidate aria-label={alert ? `Edit alert ${alert.id}` : "New alert"}>
        <Card title="Rule">
          <div className="alert-form-grid">
            <Field label="Symbol" htmlFor="alert-symbol" error={error("symbol")} hint={alert ? FIXED : undefined}>
              <select
                id="alert-symbol"
                value={form.symbol}
                disabled={Boolean(alert)}
                {...describedBy("symbol", "alert-symbol")}
                onChange={(e) => change({ symbol: e.target.value }, "symbol")}
              >
                {symbolList.some((a) => a.symbol === form.symbol) ? null : <option value={form.symbol}>{form.symbol}</option>}
                {symbolList.map((a) => (
                  <option key={a.symbol} value={a.symbol}>
                    {a.symbol} — {a.name}
                  </option>
                ))}
              </select>
            </Field>
            <Field label="Condition" htmlFor="alert-condition" error={error("condition")} hint={alert ? FIXED : undefined}>
              <select
                id="alert-condition"
                value={form.condition}
                disabled={Boolean(alert)}
                onChange={(e) => onCondition(e.target.value as Condition)}
              >
                {GROUPS.map((group) => (
                  <optgroup key={group} label={group}>
                    {CONDITIONS.filter((c) => c.group === group).map((c) => (
                      <option key={c.value} value={c.value}>
                        {c.label} ({c.value})
                      </option>
                    ))}
                  </optgroup>
                ))}
              </select>
            </Field>
            {pattern ? <PatternFields form={form} error={error} describedBy={describedBy} change={change} /> : null}
            {series || pattern ? null : (
              <OperandFields
                form={form}
                indicator={indicator}
                volumeOnly={kind === "volume"}
                confirming={isPriceCondition(form.condition)}
                error={error}
                describedBy={describedBy}
                change={change}
              />
            )}

            {kind === "channel" ? (
              <>
                <Field label="Lower bound" htmlFor="alert-lower" error={error("metadata.lower")}>
                  <input
                    id="alert-lower"
                    inputMode="decimal"
                    value={form.lower}
                    {...describedBy("metadata.lower", "alert-lower")}
                    onChange={(e) => change({ lower: e.target.value }, "metadata.lower")}
                  />
                </Field>
                <Field label="Upper bound" htmlFor="alert-upper" error={error("metadata.upper")}>
                  <input
                    id="alert-upper"
                    inputMode="decimal"
                    value={form.upper}
                    {...describedBy("metadata.upper", "alert-upper")}
                    onChange={(e) => change({ upper: e.target.value }, "metadata.upper", "metadata.lower")}
                  />
                </Field>
              </>
            ) : pattern ? null : (
              <Field
                label={
                  series
                    ? (seriesInfo(form.condition)?.label ?? "Threshold")
                    : kind === "movePercent"
                      ? "Threshold (%)"
                      : kind === "volume"
                        ? "Threshold (× average volume)"
                        : "Threshold"
                }
                htmlFor="alert-threshold"
                error={error("threshold")}
                hint={
                  thresholdHint(form) +
                  (form.operand === "PRICE" && kind !== "volume" && !series && livePrice !== undefined ? ` · now ${formatPrice(livePrice)}` : "")
                }
              >
                <input
                  id="alert-threshold"
                  inputMode="decimal"
                  value={form.threshold}
                  {...describedBy("threshold", "alert-threshold")}
                  onChange={(e) => change({ threshold: e.target.value }, "threshold")}
                />
              </Field>
            )}

            {isConfirmed(form) ? (
              <>
                <Field label="Indicator comparison" htmlFor="alert-confirm-operator" error={error("metadata.operator")}>
                  <select
                    id="alert-confirm-operator"
                    value={form.confirmOperator || defaultOperator(form.condition)}
                    onChange={(e) => change({ confirmOperator: e.target.value as RuleForm["confirmOperator"] }, "metadata.operator")}
                  >
                    {CONFIRM_OPERATORS.map((o) => (
                      <option key={o} value={o}>
                        {o}
                      </option>
                    ))}
                  </select>
                </Field>
                <Field label="Indicator level" htmlFor="alert-confirm-value" error={error("metadata.value")} hint="e.g. 70 for RSI ≥ 70">
                  <input
                    id="alert-confirm-value"
                    inputMode="decimal"
                    value={form.confirmValue}
                    {...describedBy("metadata.value", "alert-confirm-value")}
                    onChange={(e) => change({ confirmValue: e.target.value }, "metadata.value")}
                  />
                </Field>
              </>
            ) : null}

            {needsWindow(kind) ? (
              <Field
                label="Window (bars)"
                htmlFor="alert-window"
                error={error("metadata.window")}
                hint={kind === "volume" ? "Bars averaged; default 20" : "Bars back, 1 to 1000"}
              >
                <input
                  id="alert-window"
                  inputMode="numeric"
                  placeholder={kind === "volume" ? "20" : undefined}
                  value={form.window}
                  {...describedBy("metadata.window", "alert-window")}
                  onChange={(e) => change({ window: e.target.value }, "metadata.window")}
                />
              </Field>
            ) : null}

            {series ? null : (
              <Field
                label="Timeframe"
                htmlFor="alert-timeframe"
                error={error("metadata.timeframe")}
                hint={
                  pattern
                    ? "The bars the pattern is looked for in, as each closes"
                    : isConfirmed(form)
                      ? "The indicator's bars: its latest closed one is read on each tick"
                      : "The bars the rule is judged on"
                }
              >
                <select
                  id="alert-timeframe"
                  value={form.timeframe}
                  onChange={(e) => change({ timeframe: e.target.value as RuleForm["timeframe"] }, "metadata.timeframe")}
                >
                  <option value="">Default ({pattern ? PATTERN_TIMEFRAME : form.operand === "PRICE" ? "ticks / 1m" : "1h"})</option>
                  {INTERVALS.map((t) => (
                    <option key={t} value={t}>
                      {t}
                    </option>
                  ))}
                </select>
              </Field>
            )}
          </div>
        </Card>

        {series ? (
          <section className="card alert-preview" aria-labelledby="alert-preview-title" data-testid="series-note">
            <div className="card-header">
              <h2 id="alert-preview-title">Would have fired?</h2>
            </div>
            <p className="muted">Judged every 5 minutes on the research figures; not backtested on prices.</p>
          </section>
        ) : pattern ? (
          <PatternStatsPreview form={form} title={patternInfo?.title} />
        ) : (
          <BacktestPreview
            form={form}
            indicator={indicator}
            ruleInvalid={Object.keys(ruleErrors).length > 0}
            backtest={backtest}
          />
        )}

        <Card title="Delivery">
          <div className="alert-form-grid">
            <Field
              label="Frequency"
              htmlFor="alert-frequency"
              error={error("frequency")}
              hint={series ? "A research series has no bars: once, or every time with a cooldown" : undefined}
            >
              <select
                id="alert-frequency"
                value={form.frequency}
                onChange={(e) => change({ frequency: e.target.value as Frequency }, "frequency", "cooldownSeconds")}
              >
                {frequencies.map((f) => (
                  <option key={f.value} value={f.value}>
                    {f.label}
                  </option>
                ))}
              </select>
            </Field>
            {form.frequency === "EVERY_TIME" ? (
              <Field label="Cooldown (seconds)" htmlFor="alert-cooldown" error={error("cooldownSeconds")} hint="Quiet time after each trigger">
                <input
                  id="alert-cooldown"
                  inputMode="numeric"
                  value={form.cooldownSeconds}
                  {...describedBy("cooldownSeconds", "alert-cooldown")}
                  onChange={(e) => change({ cooldownSeconds: e.target.value }, "cooldownSeconds")}
                />
              </Field>
            ) : null}
            <Field label="Expires at" htmlFor="alert-expires" error={error("expiresAt")} hint="Optional; then EXPIRED">
              <input
                id="alert-expires"
                type="datetime-local"
                value={form.expiresAt}
                {...describedBy("expiresAt", "alert-expires")}
                onChange={(e) => change({ expiresAt: e.target.value }, "expiresAt")}
              />
            </Field>
            {series || pattern ? null : (
              <>
                <Field label="Confirm ticks" htmlFor="alert-confirm-ticks" error={error("confirmTicks")} hint="Prices in a row past the level (1–100)">
                  <input
                    id="alert-confirm-ticks"
                    inputMode="numeric"
                    value={form.confirmTicks}
                    {...describedBy("confirmTicks", "alert-confirm-ticks")}
                    onChange={(e) => change({ confirmTicks: e.target.value }, "confirmTicks")}
                  />
                </Field>
                <Field label="Confirm seconds" htmlFor="alert-confirm-seconds" error={error("confirmSeconds")} hint="How long it must stay past (0–3600)">
                  <input
                    id="alert-confirm-seconds"
                    inputMode="decimal"
                    value={form.confirmSeconds}
                    {...describedBy("confirmSeconds", "alert-confirm-seconds")}
                    onChange={(e) => change({ confirmSeconds: e.target.value }, "confirmSeconds")}
                  />
                </Field>
              </>
            )}
          </div>
          <fieldset className="alert-channels" aria-describedby={error("channels") ? "alert-channels-error" : undefined}>
            <legend>Channels</legend>
            <div className="alert-channel-list">
              {CHANNELS.map((c) => (
                <label key={c} className="alert-check">
                  <input
                    type="checkbox"
                    checked={form.channels.includes(c)}
                    onChange={(e) =>
                      change({ channels: e.target.checked ? [...form.channels, c] : form.channels.filter((x) => x !== c) }, "channels")
                    }
                  />
                  {CHANNEL_NAMES[c]} ({c})
                </label>
              ))}
            </div>
            {error("channels") ? (
              <span className="field-error" role="alert" id="alert-channels-error">
                {error("channels")}
              </span>
            ) : (
              <span className="field-hint">Every trigger also lands in your in-app inbox. Set addresses up in Settings.</span>
            )}
          </fieldset>
        </Card>

        {formError ? (
          <p className="form-error" role="alert">
            {formError}
          </p>
        ) : null}
        <div className="row alert-submit">
          <button
            type="submit"
            className="primary"
            disabled={invalid || unchanged || save.isPending}
            aria-describedby={pending.length ? "alert-form-pending" : undefined}
          >
            {alert ? (update.isPending ? "Saving…" : "Save changes") : create.isPending ? "Creating…" : "Create alert"}
          </button>
          <button type="button" onClick={() => void navigate("/alerts")}>
            Cancel
          </button>
          {pending.length ? (
            <span className="muted" id="alert-form-pending">
              Still needed: {pending.map(([field, message]) => LABELS[field] ?? message).join(", ")}
            </span>
          ) : unchanged ? (
            <span className="muted">No changes yet</span>
          ) : null}
        </div>
      </form>
    </div>
  );
}
