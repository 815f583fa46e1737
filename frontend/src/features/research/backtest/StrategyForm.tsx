import type { FormEvent, ReactNode } from "react";
import { ApiError } from "@/api/errors";
import { Field, Skeleton } from "@/components/ui";
import { useFormErrors } from "@/lib/useFormErrors";
import type { StrategyInfo, StrategyParam } from "../api";
import { IntervalField, SymbolField } from "../common";
import { FormulaMarker } from "../indicators/FormulaEditor";
import { parseColumn } from "../util";
import {
  isRules,
  numericParams,
  paramLabel,
  paramText,
  RULE_KEYS,
  RULE_LABELS,
  shownFields,
  type BacktestDraft,
  type Direction,
  type RuleKey,
  type Sizing,
} from "./draft";

function bounds(p: StrategyParam): string {
  const parts: string[] = [];
  if (p.min !== undefined && p.max !== undefined) parts.push(`${p.min}–${p.max}`);
  if (p.default !== undefined) parts.push(`default ${p.default}`);
  if (p.integer) parts.push("whole number");
  return parts.join(", ");
}

const asPercent = (text: string) => {
  const value = Number(text);
  return text.trim() !== "" && Number.isFinite(value) ? `${+(value * 100).toFixed(4)}%` : null;
};

/** A number input with its label, API error and a hint. */
function NumberField({
  id,
  label,
  value,
  onChange,
  error,
  hint,
  min,
  max,
  step = "any",
  placeholder,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (text: string) => void;
  error: string | undefined;
  hint?: string;
  min?: number | undefined;
  max?: number | undefined;
  step?: string;
  placeholder?: string;
}) {
  return (
    <Field label={label} htmlFor={id} error={error} {...(hint ? { hint } : {})}>
      <input
        id={id}
        type="number"
        inputMode="decimal"
        value={value}
        min={min}
        max={max}
        step={step}
        placeholder={placeholder}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
      />
    </Field>
  );
}

function Group({ legend, children }: { legend: string; children: ReactNode }) {
  return (
    <fieldset className="research-fieldset">
      <legend>{legend}</legend>
      <div className="row">{children}</div>
    </fieldset>
  );
}

/** Strategy, market, money and stops of a backtest; 422 errors are shown next to the field they name. */
export function StrategyForm({
  draft,
  onChange,
  strategies,
  strategiesLoading,
  error,
  submitting,
  onSubmit,
}: {
  draft: BacktestDraft;
  onChange: (patch: Partial<BacktestDraft>) => void;
  strategies: StrategyInfo[];
  strategiesLoading: boolean;
  error: unknown;
  submitting: boolean;
  onSubmit: () => void;
}) {
  const strategy = strategies.find((s) => s.name === draft.strategyName);
  const err = useFormErrors(shownFields(draft, strategy), error).of;
  const rules = isRules(draft.strategyName);

  function submit(event: FormEvent) {
    event.preventDefault();
    onSubmit();
  }

  function ruleField(key: RuleKey) {
    const id = `bt-rule-${key}`;
    const problem = err(`parameters.${key}`);
    const column = problem && error instanceof ApiError ? parseColumn(problem) : null;
    return (
      <div key={key} className={"field research-formula" + (problem ? " field-invalid" : "")}>
        <label htmlFor={id}>{RULE_LABELS[key]}</label>
        <textarea
          id={id}
          rows={2}
          value={draft.rules[key]}
          spellCheck={false}
          autoCapitalize="off"
          onChange={(e) => onChange({ rules: { ...draft.rules, [key]: e.target.value } })}
          aria-invalid={problem ? true : undefined}
        />
        {problem ? <FormulaMarker formula={draft.rules[key]} problem={{ message: problem, column }} /> : null}
      </div>
    );
  }

  return (
    <form className="stack" onSubmit={submit} aria-label="Backtest" noValidate>
      <Group legend="Strategy">
        <Field label="Strategy" htmlFor="bt-strategy" error={err("strategyName")}>
          {strategiesLoading ? (
            <Skeleton lines={1} height={34} />
          ) : (
            <select
              id="bt-strategy"
              value={draft.strategyName}
              onChange={(e) => onChange({ strategyName: e.target.value, params: {} })}
            >
              {strategies.map((s) => (
                <option key={s.name} value={s.name}>
                  {s.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        {strategy ? <p className="muted research-description">{strategy.description}</p> : null}
      </Group>
      {rules ? (
        <fieldset className="research-fieldset">
          <legend>Rules</legend>
          <div className="research-rules">{RULE_KEYS.map(ruleField)}</div>
        </fieldset>
      ) : numericParams(strategy).length > 0 ? (
        <Group legend="Parameters">
          {numericParams(strategy).map((p) => (
            <NumberField
              key={p.name}
              id={`bt-param-${p.name}`}
              label={paramLabel(p.name)}
              value={paramText(draft, p)}
              onChange={(text) => onChange({ params: { ...draft.params, [p.name]: text } })}
              error={err(`parameters.${p.name}`)}
              hint={bounds(p)}
              min={p.min}
              max={p.max}
              step={p.integer ? "1" : "any"}
            />
          ))}
        </Group>
      ) : null}

      <Group legend="Market and range">
        <SymbolField id="bt-symbol" value={draft.symbol} onChange={(symbol) => onChange({ symbol })} error={err("symbol")} />
        <IntervalField id="bt-interval" value={draft.interval} onChange={(interval) => onChange({ interval })} error={err("interval")} />
        <div className="field" role="radiogroup" aria-label="Range">
          <span className="research-label">Range</span>
          <label className="research-choice">
            <input type="radio" name="bt-range" checked={draft.rangeMode === "period"} onChange={() => onChange({ rangeMode: "period" })} />
            Last period
          </label>
          <label className="research-choice">
            <input type="radio" name="bt-range" checked={draft.rangeMode === "dates"} onChange={() => onChange({ rangeMode: "dates" })} />
            Between dates
          </label>
        </div>
        {draft.rangeMode === "period" ? (
          <Field label="Period length" htmlFor="bt-period" error={err("period")} hint="e.g. 90d, 12w, 1y; ends now">
            <input id="bt-period" value={draft.period} onChange={(e) => onChange({ period: e.target.value })} maxLength={8} />
          </Field>
        ) : (
          <>
            <Field label="From" htmlFor="bt-from" error={err("from")} hint="UTC day, inclusive">
              <input id="bt-from" type="date" value={draft.from} onChange={(e) => onChange({ from: e.target.value })} />
            </Field>
            <Field label="To" htmlFor="bt-to" error={err("to")} hint="UTC day, exclusive">
              <input id="bt-to" type="date" value={draft.to} onChange={(e) => onChange({ to: e.target.value })} />
            </Field>
          </>
        )}
      </Group>

      <Group legend="Capital and costs">
        <NumberField
          id="bt-capital"
          label="Initial capital"
          value={draft.initialCapital}
          onChange={(initialCapital) => onChange({ initialCapital })}
          error={err("initialCapital")}
          min={0}
          hint="Cash at the start"
        />
        <NumberField
          id="bt-fees"
          label="Fees"
          value={draft.fees}
          onChange={(fees) => onChange({ fees })}
          error={err("fees")}
          min={0}
          max={0.1}
          hint={`Fraction of each fill${asPercent(draft.fees) ? ` (${asPercent(draft.fees)})` : ""}`}
        />
        <NumberField
          id="bt-slippage"
          label="Slippage"
          value={draft.slippage}
          onChange={(slippage) => onChange({ slippage })}
          error={err("slippage")}
          min={0}
          max={0.1}
          hint={`Fraction of the price${asPercent(draft.slippage) ? ` (${asPercent(draft.slippage)})` : ""}`}
        />
        <Field label="Sizing" htmlFor="bt-sizing" error={err("sizing")}>
          <select id="bt-sizing" value={draft.sizing} onChange={(e) => onChange({ sizing: e.target.value as Sizing })}>
            <option value="ALL_IN">All in</option>
            <option value="FRACTION">Fraction of equity</option>
            <option value="AMOUNT">Fixed amount</option>
          </select>
        </Field>
        {draft.sizing !== "ALL_IN" ? (
          <NumberField
            id="bt-size"
            label={draft.sizing === "FRACTION" ? "Size (fraction of equity)" : "Size (cash per trade)"}
            value={draft.size}
            onChange={(size) => onChange({ size })}
            error={err("size")}
            min={0}
            placeholder={draft.sizing === "FRACTION" ? "0.5" : "1000"}
          />
        ) : null}
        <Field label="Direction" htmlFor="bt-direction" error={err("direction")}>
          <select id="bt-direction" value={draft.direction} onChange={(e) => onChange({ direction: e.target.value as Direction })}>
            <option value="LONG_ONLY">Long only</option>
            <option value="LONG_SHORT">Long and short</option>
          </select>
        </Field>
      </Group>

      <Group legend="Stops (fractions of the entry price, optional)">
        <NumberField
          id="bt-stop-loss"
          label="Stop-loss"
          value={draft.stopLoss}
          onChange={(stopLoss) => onChange({ stopLoss })}
          error={err("stopLoss")}
          min={0}
          max={1}
          placeholder="0.05"
          hint={asPercent(draft.stopLoss) ? `${asPercent(draft.stopLoss)} below entry` : "None"}
        />
        <NumberField
          id="bt-take-profit"
          label="Take-profit"
          value={draft.takeProfit}
          onChange={(takeProfit) => onChange({ takeProfit })}
          error={err("takeProfit")}
          min={0}
          placeholder="0.2"
          hint={asPercent(draft.takeProfit) ? `${asPercent(draft.takeProfit)} above entry` : "None"}
        />
        <NumberField
          id="bt-trailing-stop"
          label="Trailing stop"
          value={draft.trailingStop}
          onChange={(trailingStop) => onChange({ trailingStop })}
          error={err("trailingStop")}
          min={0}
          max={1}
          placeholder="0.08"
          hint={asPercent(draft.trailingStop) ? `${asPercent(draft.trailingStop)} from the best price` : "None"}
        />
      </Group>

      <div className="row">
        <button type="submit" className="primary" disabled={submitting || strategiesLoading}>
          {submitting ? "Running…" : "Run backtest"}
        </button>
      </div>
    </form>
  );
}
