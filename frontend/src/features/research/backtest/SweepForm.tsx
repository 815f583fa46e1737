import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { ApiError } from "@/api/errors";
import { EmptyState, Field } from "@/components/ui";
import { useFormErrors } from "@/lib/useFormErrors";
import { toastError } from "@/stores/ui";
import { startSweep, type Job, type StrategyInfo } from "../api";
import { ErrorNotice } from "../common";
import { buildRequest, numericParams, paramLabel, shownFields, type BacktestDraft } from "./draft";
import { metricLabel, RANKING_METRICS } from "./metrics";
import { countCombinations, countValues, defaultRange, type RangeDraft } from "./sweep";

export const MAX_COMBINATIONS = 5000;
export const TOP = 200;

/** Ranges per numeric parameter, the metric to rank by and the out-of-sample share; starts the sweep job. */
export function SweepForm({
  draft,
  strategy,
  onStarted,
}: {
  draft: BacktestDraft;
  strategy: StrategyInfo | undefined;
  onStarted: (job: Job) => void;
}) {
  const params = numericParams(strategy);
  const [byStrategy, setByStrategy] = useState<Record<string, Record<string, RangeDraft>>>({});
  const [metric, setMetric] = useState<string>("sharpeRatio");
  const [outOfSample, setOutOfSample] = useState("0.3");
  const ranges: Record<string, RangeDraft> =
    byStrategy[draft.strategyName] ?? Object.fromEntries(params.map((p, i) => [p.name, defaultRange(p, i < 2)]));
  const combos = countCombinations(ranges);

  const setRange = (name: string, patch: Partial<RangeDraft>) =>
    setByStrategy({ ...byStrategy, [draft.strategyName]: { ...ranges, [name]: { ...ranges[name]!, ...patch } } });

  const start = useMutation({
    mutationFn: () => {
      const swept = Object.fromEntries(
        Object.entries(ranges)
          .filter(([, r]) => r.enabled)
          .map(([name, r]) => [name, { min: Number(r.min), max: Number(r.max), step: Number(r.step) }]),
      );
      return startSweep({
        ...buildRequest(draft, strategy),
        ranges: swept,
        metric,
        method: "GRID",
        samples: 200,
        maxCombinations: MAX_COMBINATIONS,
        outOfSample: Number(outOfSample),
        top: TOP,
        seed: 0,
      });
    },
    onSuccess: onStarted,
    onError: (error) => {
      if (!(error instanceof ApiError) || !error.field) toastError(error, "Could not start the sweep");
    },
  });

  const error = start.error;
  const rows = params.map((p) => `ranges.${p.name}`);
  const own = new Set(["ranges", "metric", "outOfSample", ...rows]);
  const errors = useFormErrors([...own], error);
  // A message about one row is shown in that row, not again under the ranges.
  const rangesError = rows.some((row) => errors.of(row)) ? undefined : errors.of("ranges");

  if (params.length === 0) {
    return (
      <EmptyState title="Nothing to sweep">
        A sweep varies a strategy&apos;s numeric parameters. Choose a built-in strategy (not Rules) in the form above.
      </EmptyState>
    );
  }

  // An error about the strategy form's fields (or anything else) is shown here too: the sweep sent them.
  const banner =
    error instanceof ApiError && !(error.field && own.has(error.field))
      ? shownFields(draft, strategy).includes(error.field ?? "")
        ? `${error.message} (fix it in the backtest form above)`
        : error.message
      : null;
  const tooMany = combos !== null && combos > MAX_COMBINATIONS;

  function submit(event: FormEvent) {
    event.preventDefault();
    if (combos === null || tooMany) return;
    start.mutate();
  }

  return (
    <form className="stack" onSubmit={submit} aria-label="Parameter sweep" noValidate>
      <p className="muted">
        Sweeps {draft.strategyName} on {draft.symbol} {draft.interval} with the settings of the form above, over every
        combination of the ranges below. The last share of the range is kept out of sample: never used for ranking.
      </p>
      <div className="stack">
        {params.map((p) => {
          const r = ranges[p.name] ?? defaultRange(p, false);
          const label = paramLabel(p.name);
          const rowError = errors.of(`ranges.${p.name}`) ?? (r.enabled && countValues(r) === null ? "Give min ≤ max and a step above 0" : undefined);
          const id = `sweep-${p.name}`;
          return (
            <fieldset key={p.name} className="research-fieldset sweep-range">
              <legend>
                <label className="research-choice">
                  <input type="checkbox" checked={r.enabled} onChange={(e) => setRange(p.name, { enabled: e.target.checked })} />
                  Sweep {label}
                </label>
              </legend>
              <div className="row">
                {(["min", "max", "step"] as const).map((part) => (
                  <Field key={part} label={`${label} ${part === "min" ? "from" : part === "max" ? "to" : "step"}`} htmlFor={`${id}-${part}`}>
                    <input
                      id={`${id}-${part}`}
                      type="number"
                      step="any"
                      value={r[part]}
                      disabled={!r.enabled}
                      onChange={(e) => setRange(p.name, { [part]: e.target.value })}
                      aria-invalid={rowError ? true : undefined}
                    />
                  </Field>
                ))}
                <span className="muted sweep-count">{r.enabled ? `${countValues(r) ?? "?"} values` : `fixed at ${draft.params[p.name] ?? p.default}`}</span>
              </div>
              {rowError ? (
                <span className="field-error" role="alert">
                  {rowError}
                </span>
              ) : null}
            </fieldset>
          );
        })}
      </div>
      <div className="row">
        <Field label="Rank by metric" htmlFor="sweep-metric" error={errors.of("metric")}>
          <select id="sweep-metric" value={metric} onChange={(e) => setMetric(e.target.value)}>
            {RANKING_METRICS.map((m) => (
              <option key={m} value={m}>
                {metricLabel(m)}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Out-of-sample share" htmlFor="sweep-oos" error={errors.of("outOfSample")} hint="0 to 0.89; 0.3 keeps the last 30%">
          <input id="sweep-oos" type="number" min={0} max={0.89} step="0.05" value={outOfSample} onChange={(e) => setOutOfSample(e.target.value)} />
        </Field>
        <button type="submit" className="primary" disabled={start.isPending || combos === null || tooMany}>
          {start.isPending ? "Starting…" : "Start sweep"}
        </button>
      </div>
      <span className={tooMany || rangesError ? "field-error" : "muted"} role="status">
        {rangesError ??
          (combos === null
            ? "Tick at least one parameter with a valid range."
            : tooMany
              ? `${combos.toLocaleString()} combinations: narrow the ranges (at most ${MAX_COMBINATIONS.toLocaleString()}).`
              : `${combos.toLocaleString()} combinations${combos > TOP ? ` (the heat-map shows the best ${TOP})` : ""}.`)}
      </span>
      {error instanceof ApiError && error.code === "NO_DATA" ? (
        <ErrorNotice error={error} />
      ) : banner ? (
        <span className="form-error" role="alert">
          {banner}
        </span>
      ) : null}
    </form>
  );
}
