import { useState } from "react";
import { ApiError } from "@/api/errors";
import { Field, Skeleton } from "@/components/ui";
import { utcDayEndIso, utcDayStartIso } from "@/lib/dates";
import { formatNumber, formatTime } from "@/lib/format";
import { useFormErrors } from "@/lib/useFormErrors";
import type { useBacktest } from "./hooks";
import { ReturnsTable, TriggersTable } from "./PreviewTables";
import { isRuleError, toBacktestBody, type RuleForm } from "./rule";
import type { BacktestResult, CatalogIndicator } from "./types";

const LISTED = 50;
type Span = "30" | "90" | "custom";

interface Props {
  form: RuleForm;
  indicator: CatalogIndicator | undefined;
  ruleInvalid: boolean;
  /** The preview request, the form's own: it shows a 422 about the rule next to the rule's field. */
  backtest: ReturnType<typeof useBacktest>;
}

/** Where in the range the rule fired: one tick per trigger on a strip. */
function Timeline({ result }: { result: BacktestResult }) {
  const start = new Date(result.from).getTime();
  const span = Math.max(1, new Date(result.to).getTime() - start);
  return (
    <svg className="alert-timeline" viewBox="0 0 1000 24" preserveAspectRatio="none" role="img" aria-label={`${result.count} triggers between ${formatTime(result.from)} and ${formatTime(result.to)}`}>
      <line x1="0" y1="12" x2="1000" y2="12" className="alert-timeline-axis" />
      {result.triggers.map((t) => {
        const x = ((new Date(t.timestamp).getTime() - start) / span) * 1000;
        return <line key={t.timestamp} x1={x} x2={x} y1="2" y2="22" className={t.direction === "UP" ? "alert-tick-up" : "alert-tick-down"} />;
      })}
    </svg>
  );
}

function Result({ result, stale }: { result: BacktestResult; stale: boolean }) {
  const price = result.operand === "PRICE";
  const operandName = price ? `${result.symbol}'s price` : result.operand;
  return (
    <div className="stack" data-testid="backtest-result" aria-live="polite">
      <p className="alert-preview-headline">
        Would have fired <strong data-testid="backtest-count">{result.count}</strong> {result.count === 1 ? "time" : "times"} over{" "}
        {formatNumber(result.bars, 0)} {result.evaluatedOn === "MINUTE_CLOSES" ? "minute closes" : `${result.timeframe} bar closes`} of {operandName},{" "}
        {formatTime(result.from)} – {formatTime(result.to)}.
        {stale ? <span className="muted"> (The rule changed since: preview again.)</span> : null}
      </p>
      {result.bars === 0 ? (
        <p className="muted" data-testid="backtest-no-bars">
          No stored prices of {result.symbol} in this range: choose custom dates the history covers.
        </p>
      ) : null}
      {result.count > 0 ? (
        <>
          <Timeline result={result} />
          <ReturnsTable result={result} />
          <TriggersTable result={result} limit={LISTED} />
          {result.count > LISTED ? (
            <p className="muted">
              Showing the first {LISTED} of {result.count}.
            </p>
          ) : null}
        </>
      ) : null}
    </div>
  );
}

/** "Would have fired": the rule run over stored history (POST /api/alerts/backtest), with what the price
 * did 1h, 24h and 7d after each trigger. */
export function BacktestPreview({ form, indicator, ruleInvalid, backtest }: Props) {
  const [span, setSpan] = useState<Span>("30");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [sent, setSent] = useState("");

  const range = () => {
    if (span === "custom") return { from: utcDayStartIso(from), to: utcDayEndIso(to) };
    if (span === "90") return { from: new Date(Date.now() - 90 * 86400_000).toISOString() };
    return {}; // the API's default: the last 30 days
  };
  const key = JSON.stringify([toBacktestBody(form, {}, indicator), span, from, to]);

  function run() {
    const payload = toBacktestBody(form, range(), indicator);
    setSent(key);
    backtest.mutate(payload);
  }

  const error = backtest.error;
  // The range's own inputs show what the API said about them while they are on screen; the rest is a banner.
  const errors = useFormErrors(span === "custom" ? ["from", "to"] : [], isRuleError(error) ? undefined : error);
  const banner =
    error instanceof ApiError && error.code === "NO_DATA"
      ? `${error.message}. No stored prices in this range: choose custom dates the history covers.`
      : isRuleError(error)
        ? "The rule has a problem: see the highlighted field above."
        : error && !(error instanceof ApiError)
          ? error.message
          : errors.general;
  const customInvalid = span === "custom" && (!from || (to !== "" && to < from));

  return (
    <section className="card alert-preview" aria-labelledby="alert-preview-title">
      <div className="card-header">
        <h2 id="alert-preview-title">Would have fired?</h2>
      </div>
      <div
        className="row"
        onKeyDown={(e) => {
          // Enter here previews; it must not submit the alert form around it.
          if (e.key === "Enter" && e.target instanceof HTMLInputElement) {
            e.preventDefault();
            if (!ruleInvalid && !customInvalid && !backtest.isPending) run();
          }
        }}
      >
        <Field label="Preview range" htmlFor="preview-span">
          <select id="preview-span" value={span} onChange={(e) => setSpan(e.target.value as Span)}>
            <option value="30">Last 30 days</option>
            <option value="90">Last 90 days</option>
            <option value="custom">Custom dates</option>
          </select>
        </Field>
        {span === "custom" ? (
          <>
            <Field label="Preview from" htmlFor="preview-from" error={errors.of("from")} hint="UTC day">
              <input
                id="preview-from"
                type="date"
                value={from}
                onChange={(e) => {
                  setFrom(e.target.value);
                  errors.edited("from");
                }}
              />
            </Field>
            <Field label="Preview to" htmlFor="preview-to" error={errors.of("to")} hint="UTC day, included; empty: until now">
              <input
                id="preview-to"
                type="date"
                value={to}
                title="Empty: until now"
                onChange={(e) => {
                  setTo(e.target.value);
                  errors.edited("to");
                }}
              />
            </Field>
          </>
        ) : null}
        <button type="button" onClick={run} disabled={ruleInvalid || customInvalid || backtest.isPending}>
          {backtest.isPending ? "Running…" : "Preview"}
        </button>
      </div>
      {ruleInvalid ? <p className="muted">Complete the rule above to preview it.</p> : null}
      {backtest.isPending ? <Skeleton lines={4} /> : null}
      {banner && !backtest.isPending ? (
        <p className="form-error" role="alert" data-testid="backtest-error">
          {banner}
        </p>
      ) : null}
      {backtest.data && !backtest.isPending ? <Result result={backtest.data} stale={sent !== key} /> : null}
    </section>
  );
}
