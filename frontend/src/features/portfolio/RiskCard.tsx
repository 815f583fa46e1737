import type { ReactNode } from "react";
import { Card } from "@/components/ui";
import { Missing } from "./bits";
import { percent, ratio, signedMoney, signedPercent } from "./format";
import type { Analysis } from "./types";

const NOT_ENOUGH = "under two daily returns in the lookback, or no variation";

function Metric({ id, label, value, definition, testId }: { id: string; label: string; value: ReactNode; definition: ReactNode; testId: string }) {
  return (
    <div className="pf-metric">
      <dt id={`${id}-label`}>{label}</dt>
      <dd className="pf-metric-value" data-testid={testId} aria-describedby={`${id}-definition`}>
        {value}
      </dd>
      <dd className="pf-metric-definition muted" id={`${id}-definition`}>
        {definition}
      </dd>
    </div>
  );
}

const orMissing = (value: number | null, show: (v: number) => string, reason = NOT_ENOUGH) => (value === null ? <Missing reason={reason} /> : show(value));

/** The risk of the current holdings held over the lookback: the seed's four figures, each with its exact
 * definition, then the extended ones and each asset's share of the risk. */
export function RiskCard({ analysis }: { analysis: Analysis }) {
  const { riskMetrics: risk, extended, lookbackDays, riskFreeRate } = analysis;
  const assets = Object.keys(extended.assetVolatility);
  return (
    <Card title="Risk of the current holdings">
      <div className="stack">
        <p className="muted pf-footnote">
          Over the last {lookbackDays} days of daily closes, as if today's holdings had been held throughout (risk-free rate {percent(riskFreeRate, 2)}).
        </p>
        <dl className="pf-metrics">
          <Metric
            id="risk-var"
            label="Value at risk (95%, 1 day)"
            testId="risk-var95"
            value={orMissing(risk.var95, (v) => `${signedMoney(v)} USD`)}
            definition="var95 = the 5th percentile of the daily returns of the current holdings over the lookback × the total value (a loss: negative)."
          />
          <Metric
            id="risk-drawdown"
            label="Maximum drawdown"
            testId="risk-max-drawdown"
            value={orMissing(risk.maxDrawdown, (v) => signedPercent(v / 100))}
            definition="maxDrawdown = min over the lookback of (V / running peak of V − 1) × 100, V the holdings' value at each daily close."
          />
          <Metric
            id="risk-volatility"
            label="Volatility (yearly)"
            testId="risk-volatility"
            value={orMissing(risk.volatility, (v) => percent(v, 2))}
            definition="volatility = the sample standard deviation of the daily returns × √365."
          />
          <Metric
            id="risk-sharpe"
            label="Sharpe ratio"
            testId="risk-sharpe"
            value={orMissing(risk.sharpeRatio, ratio)}
            definition={`sharpe = (mean daily return × 365 − risk-free rate) / volatility, risk-free rate ${percent(riskFreeRate, 2)}.`}
          />
        </dl>
        <details className="pf-details">
          <summary>More risk figures</summary>
          <dl className="pf-extended" data-testid="risk-extended">
            <dt>CVaR 95% (expected shortfall)</dt>
            <dd>{orMissing(extended.cvar95, (v) => `${signedMoney(v)} USD`)} · the mean of the daily returns at or below their 5th percentile × the total value</dd>
            <dt>Parametric VaR / CVaR 95%</dt>
            <dd>
              {orMissing(extended.parametricVar95, (v) => `${signedMoney(v)} USD`)} / {orMissing(extended.parametricCvar95, (v) => `${signedMoney(v)} USD`)} · (mean − 1.644854 ×
              std) × the total value, and (mean − std × φ(1.644854) / 0.05) × the total value: a normal distribution
            </dd>
            <dt>Sortino ratio</dt>
            <dd>{orMissing(extended.sortinoRatio, ratio)} · (mean × 365 − risk-free rate) / (√mean(min(r, 0)²) × √365)</dd>
            <dt>Calmar ratio</dt>
            <dd>{orMissing(extended.calmarRatio, ratio)} · the yearly growth rate (CAGR) of the value / |maximum drawdown|</dd>
            <dt>Beta / correlation with BTC-USD</dt>
            <dd>
              {orMissing(extended.beta, ratio, "no BTC-USD closes, or no variation")} / {orMissing(extended.correlation, ratio, "no BTC-USD closes, or no variation")} · of
              the daily returns: cov(r, b) / var(b), and their correlation
            </dd>
            <dt>Concentration (HHI)</dt>
            <dd>{orMissing(extended.concentrationHhi, ratio, "nothing held")} · Σ weight²: from 1/n (n equal weights) to 1 (a single asset)</dd>
          </dl>
          {assets.length ? (
            <div className="pf-scroll" role="region" aria-label="Risk by asset (scrolls)" tabIndex={0}>
              <table className="pf-compact" aria-label="Risk by asset" data-testid="risk-by-asset">
                <thead>
                  <tr>
                    <th scope="col">Asset</th>
                    <th scope="col" className="num">
                      Volatility (yearly)
                    </th>
                    <th scope="col" className="num">
                      Share of the variance
                    </th>
                    {assets.length > 1 ? <th scope="col">Correlation of daily returns</th> : null}
                  </tr>
                </thead>
                <tbody>
                  {assets.map((symbol) => (
                    <tr key={symbol}>
                      <th scope="row">{symbol}</th>
                      <td className="num">{percent(extended.assetVolatility[symbol], 2)}</td>
                      <td className="num">{percent(extended.riskContribution[symbol], 1)}</td>
                      {assets.length > 1 ? (
                        <td>
                          {assets
                            .filter((other) => other !== symbol)
                            .map((other) => {
                              const c = extended.correlationMatrix[symbol]?.[other];
                              return `${other} ${c === null || c === undefined ? "—" : ratio(c)}`;
                            })
                            .join(" · ")}
                        </td>
                      ) : null}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
          <p className="muted pf-footnote">“—”: not defined for these holdings (too few daily returns, no variation, or nothing to compare with).</p>
        </details>
      </div>
    </Card>
  );
}

