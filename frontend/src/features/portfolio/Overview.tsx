import { Link } from "react-router-dom";
import { Card, EmptyState, Skeleton } from "@/components/ui";
import { formatTime } from "@/lib/format";
import { useUrlParams } from "@/lib/useUrlParams";
import { AllocationCard } from "./AllocationCard";
import { AttributionCard } from "./AttributionCard";
import { DrawdownChart } from "./DrawdownChart";
import { useAnalysis } from "./hooks";
import { useLiveValuation } from "./live";
import { PositionsTable } from "./PositionsTable";
import { RebalanceCard } from "./RebalanceCard";
import { RiskCard } from "./RiskCard";
import { Summary } from "./Summary";
import { LOOKBACKS, riskConditionLabel, type Analysis, type Portfolio } from "./types";
import { ValueChart } from "./ValueChart";

/** Every warning of the portfolio and its analysis (unpriced holdings, assets left out of the risk), and its
 * risk alerts in breach now, once each. */
function Warnings({ portfolio, analysis }: { portfolio: Portfolio; analysis: Analysis | undefined }) {
  const warnings = [...new Set([...portfolio.warnings, ...(analysis?.warnings ?? [])])];
  const breaches = analysis?.alerts ?? [];
  if (!warnings.length && !breaches.length) return null;
  return (
    <section className="card pf-warnings" aria-labelledby="pf-warnings-title" data-testid="warnings">
      <h2 id="pf-warnings-title">
        <span aria-hidden="true">⚠ </span>
        {warnings.length ? "Warnings" : "Risk alerts in breach"}
      </h2>
      <ul className="pf-list">
        {breaches.map((b) => (
          <li key={b.alertId}>
            {riskConditionLabel(b.condition)} (alert #{b.alertId}): {b.message}
          </li>
        ))}
        {warnings.map((w) => (
          <li key={w}>{w}</li>
        ))}
      </ul>
    </section>
  );
}

function useLookback(): [number, (days: number) => void] {
  const { params, set } = useUrlParams();
  const wanted = Number(params.get("lookback"));
  const days = (LOOKBACKS as readonly number[]).includes(wanted) ? wanted : 365;
  return [days, (next) => set("lookback", next === 365 ? null : String(next))];
}

/** /portfolios/:id: value and P&L live, returns, the value and drawdown charts, allocation against targets,
 * positions, risk, rebalancing advice and attribution. */
export function Overview({ portfolio }: { portfolio: Portfolio }) {
  const live = useLiveValuation(portfolio);
  const [lookback, setLookback] = useLookback();
  const analysis = useAnalysis(portfolio.portfolioId, lookback);
  const data = analysis.data;
  const hasTargets = Object.keys(portfolio.targetAllocations).length > 0;
  const empty = portfolio.positions.length === 0;

  return (
    <div className="stack pf-overview">
      {empty ? (
        <Card>
          <EmptyState title="Nothing held yet">
            <p>
              Record what you bought or deposited in <Link to={`/portfolios/${portfolio.portfolioId}/transactions`}>Transactions</Link> (one by one, or
              a CSV import): the value, P&L, risk and drift follow from them.
            </p>
          </EmptyState>
        </Card>
      ) : null}
      <Summary portfolio={portfolio} live={live} analysis={data} failed={analysis.isError} />
      <Warnings portfolio={portfolio} analysis={data} />
      <PositionsTable live={live} />
      <div className="pf-grid">
        <AllocationCard portfolio={portfolio} live={live} />
        <RebalanceCard portfolio={portfolio} />
      </div>
      <div className="pf-analysis-bar">
        <h2 id="pf-analysis-title">Over time</h2>
        <label htmlFor="pf-lookback" className="muted">
          Lookback for risk and attribution
        </label>
        <select id="pf-lookback" value={lookback} onChange={(e) => setLookback(Number(e.target.value))}>
          {LOOKBACKS.map((d) => (
            <option key={d} value={d}>
              {d} days
            </option>
          ))}
        </select>
        <span className="muted pf-asof" role="status">
          {analysis.isFetching ? "Analysing…" : data ? `Analysed ${formatTime(data.asOf)}` : ""}
        </span>
      </div>
      {analysis.isPending ? (
        <Card>
          <Skeleton lines={8} height={22} />
        </Card>
      ) : analysis.isError ? (
        <Card title="Analysis">
          <EmptyState title="Could not analyse this portfolio">
            <p data-testid="analysis-error">{analysis.error.message}</p>
            <p className="muted">The value, P&L, positions, allocation and rebalancing advice above do not depend on it.</p>
            <button type="button" onClick={() => void analysis.refetch()}>
              Try again
            </button>
          </EmptyState>
        </Card>
      ) : (
        <>
          <div className="pf-grid">
            <ValueChart history={analysis.data.history} />
            <DrawdownChart analysis={analysis.data} />
          </div>
          <div className="pf-grid">
            <RiskCard analysis={analysis.data} />
            <AttributionCard attribution={analysis.data.attribution} hasTargets={hasTargets} />
          </div>
        </>
      )}
    </div>
  );
}
