import { useEffect, useState, type FormEvent } from "react";
import { Link } from "react-router-dom";
import { ApiError } from "@/api/errors";
import { Card, Field } from "@/components/ui";
import { useFormErrors } from "@/lib/useFormErrors";
import { useUi } from "@/stores/ui";
import { percent, ratio } from "./format";
import { useOptimise, useUpdatePortfolio } from "./hooks";
import { exactWeights, percentUnits, WHOLE } from "./targets";
import { isCash, METHODS, type Method, type OptimizeIn, type OptimizeOut, type Portfolio } from "./types";

const FIELDS = ["method", "lookbackDays", "defaultBounds"] as const;
type OptField = (typeof FIELDS)[number];

/** Whole seconds from `since` to now, ticking while `running`. */
function useElapsed(running: boolean, since: number): number {
  const [now, setNow] = useState(since);
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [running]);
  return Math.max(0, Math.floor((now - since) / 1000));
}

function Result({ portfolio, result }: { portfolio: Portfolio; result: OptimizeOut }) {
  const apply = useUpdatePortfolio(portfolio.portfolioId);
  const [applied, setApplied] = useState(false);
  const cashTargets = Object.entries(portfolio.targetAllocations).filter(([symbol, w]) => isCash(symbol) && w > 0);
  const symbols = Object.keys(result.weights).sort((a, b) => (result.weights[b] ?? 0) - (result.weights[a] ?? 0));
  return (
    <div className="stack" data-testid="optimise-result">
      <table className="pf-compact pf-narrow" aria-label="Proposed weights">
        <thead>
          <tr>
            <th scope="col">Asset</th>
            <th scope="col" className="num">
              Proposed
            </th>
            <th scope="col" className="num">
              Current target
            </th>
          </tr>
        </thead>
        <tbody>
          {symbols.map((symbol) => (
            <tr key={symbol}>
              <th scope="row">{symbol}</th>
              <td className="num">{percent(result.weights[symbol], 2)}</td>
              <td className="num muted">{percent(portfolio.targetAllocations[symbol] ?? 0, 2)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="pf-footnote">
        Expected return {result.expectedReturn === null ? "—" : percent(result.expectedReturn, 2)} a year · volatility{" "}
        {result.volatility === null ? "—" : percent(result.volatility, 2)} · Sharpe {ratio(result.sharpeRatio)}
        <span className="muted">
          {" "}
          (over {result.lookbackDays} days of daily returns; {result.library})
        </span>
      </p>
      {result.excluded.length ? (
        <p className="pf-note-warn" data-testid="optimise-cash">
          These weights leave out cash ({result.excluded.join(", ")}): it has no returns to weigh.
          {cashTargets.length
            ? ` Applying them replaces your targets, so ${cashTargets.map(([s, w]) => `${s} (now ${percent(w)})`).join(", ")} would have no target.`
            : " Applying them gives cash no target."}
        </p>
      ) : null}
      <div className="row pf-submit">
        <button
          type="button"
          className="primary"
          disabled={apply.isPending || applied}
          onClick={() =>
            apply.mutate(
              { targetAllocations: exactWeights(result.weights) },
              {
                onSuccess: () => {
                  setApplied(true);
                  useUi.getState().toast({ kind: "success", title: "Targets replaced", body: `${METHODS.find((m) => m.value === result.method)?.label ?? result.method} weights` });
                },
              },
            )
          }
        >
          {apply.isPending ? "Applying…" : applied ? "Applied as targets" : "Apply as targets"}
        </button>
        <span className="muted" role="status">
          {applied ? "The drift and rebalancing advice now measure against these weights." : "Replaces the portfolio's target weights."}
        </span>
      </div>
      {apply.error ? (
        <p className="form-error" role="alert">
          Could not apply them: {apply.error.message}
        </p>
      ) : null}
    </div>
  );
}

/** /portfolios/:id/optimise: proposed target weights for the portfolio's assets (its targets and holdings,
 * cash left out), by one of four methods, within an optional cap per asset; "apply as targets" saves them. */
export function OptimisePanel({ portfolio }: { portfolio: Portfolio }) {
  const [method, setMethod] = useState<Method>("MIN_VARIANCE");
  const [lookback, setLookback] = useState("365");
  const [cap, setCap] = useState("");
  const run = useOptimise(portfolio.portfolioId);
  const [startedAt, setStartedAt] = useState(0);
  const elapsed = useElapsed(run.isPending, startedAt);
  const capUnits = cap.trim() ? percentUnits(cap) : undefined;
  const days = Number(lookback);
  const live = {
    lookbackDays: Number.isInteger(days) && days >= 30 && days <= 3650 ? undefined : "Whole days from 30 to 3650",
    defaultBounds: cap.trim() && (capUnits === undefined || capUnits === 0) ? "A percent above 0, at most 100" : undefined,
  };
  const errors = useFormErrors<OptField>(FIELDS, run.error, { defaultBounds: ["defaultBounds", "bounds"] }, { live });
  const invalid = Object.values(live).some(Boolean);
  const assets = [...new Set([...portfolio.positions.map((p) => p.symbol), ...Object.keys(portfolio.targetAllocations)])].filter((s) => !isCash(s));

  const tooFew = assets.length < 2;

  function submit(event: FormEvent) {
    event.preventDefault();
    if (invalid || tooFew) return;
    const body: OptimizeIn = { method, lookbackDays: days };
    if (capUnits !== undefined) body.defaultBounds = { min: 0, max: capUnits / WHOLE };
    setStartedAt(Date.now());
    run.mutate(body);
  }

  return (
    <div className="stack">
      <Card title="Optimise the target weights">
        <form className="stack" onSubmit={submit} noValidate aria-label="Optimise the target weights">
          <p className="muted pf-footnote">
            Over the daily returns of {assets.length ? assets.join(", ") : "the portfolio's assets"} (its holdings and targets; cash is left out). Long
            only; nothing changes until you apply the result.
          </p>
          {tooFew ? (
            <p className="pf-note-warn" data-testid="optimise-needs" id="opt-needs">
              Weighing needs at least two non-cash assets; this portfolio has {assets.length ? `only ${assets[0]}` : "none"}.{" "}
              <Link to={`/portfolios/${portfolio.portfolioId}/settings`}>Add targets</Link> or record a holding first.
            </p>
          ) : null}
          <fieldset className="pf-methods" aria-describedby={errors.of("method") ? "opt-method-error" : undefined}>
            <legend className="muted">Method</legend>
            {METHODS.map((m) => (
              <label key={m.value} className="pf-profile">
                <input type="radio" name="opt-method" value={m.value} checked={method === m.value} onChange={() => setMethod(m.value)} />
                <span>
                  <strong>{m.label}</strong> <span className="muted">{m.meaning}</span>
                </span>
              </label>
            ))}
            {errors.of("method") ? (
              <span className="field-error" role="alert" id="opt-method-error">
                {errors.of("method")}
              </span>
            ) : null}
          </fieldset>
          <div className="pf-form-grid">
            <Field label="Lookback (days)" htmlFor="opt-lookback" error={errors.of("lookbackDays")} hint="30 to 3650">
              <input id="opt-lookback" inputMode="numeric" value={lookback} onChange={(e) => setLookback(e.target.value)} />
            </Field>
            <Field label="Cap per asset (%)" htmlFor="opt-cap" error={errors.of("defaultBounds")} hint="Optional: no asset above this weight">
              <input id="opt-cap" inputMode="decimal" value={cap} placeholder="100" onChange={(e) => setCap(e.target.value)} />
            </Field>
          </div>
          {errors.general ? (
            <p className="form-error" role="alert" data-testid="optimise-error">
              {errors.general}
            </p>
          ) : run.error && !(run.error instanceof ApiError) ? (
            <p className="form-error" role="alert">
              {run.error.message}
            </p>
          ) : null}
          <div className="row pf-submit">
            <button type="submit" className="primary" disabled={invalid || tooFew || run.isPending} aria-describedby={tooFew ? "opt-needs" : undefined}>
              {run.isPending ? "Optimising…" : "Optimise"}
            </button>
            <span className="muted" role="status" data-testid="optimise-progress">
              {run.isPending ? `Working… ${elapsed} s (the first run loads the optimiser: about 8 s)` : ""}
            </span>
          </div>
          {run.isPending ? <progress className="pf-progress" aria-label="Optimising" /> : null}
        </form>
      </Card>
      {run.data ? (
        <Card title={`Proposal: ${METHODS.find((m) => m.value === run.data.method)?.label ?? run.data.method}`}>
          <Result key={JSON.stringify(run.data.weights)} portfolio={portfolio} result={run.data} />
        </Card>
      ) : null}
    </div>
  );
}
