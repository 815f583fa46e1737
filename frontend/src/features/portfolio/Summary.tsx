import { formatTime } from "@/lib/format";
import { Missing, Pnl } from "./bits";
import { money, signedMoney, signedPercent, tone } from "./format";
import type { LiveValuation } from "./live";
import { PERIODS, type Analysis, type Portfolio } from "./types";

/** The header: value and P&L at the live prices, then time- and money-weighted returns per period. */
export function Summary({
  portfolio,
  live,
  analysis,
  failed = false,
}: {
  portfolio: Portfolio;
  live: LiveValuation;
  analysis: Analysis | undefined;
  /** The analysis could not be loaded: the returns are missing, not loading. */
  failed?: boolean;
}) {
  const pnlFraction = live.netInvested > 0 ? live.totalPnL / live.netInvested : null;
  return (
    <section className="card pf-summary" aria-label="Summary">
      <dl className="pf-figures">
        <div className="pf-figure pf-figure-main">
          <dt>Value (USD)</dt>
          <dd data-testid="pf-value">{money(live.totalValue)}</dd>
          <dd className="pf-figure-note muted" data-testid="pf-live">
            {live.live ? "at live prices" : `as of ${formatTime(portfolio.updatedAt ?? portfolio.createdAt)}`}
          </dd>
        </div>
        <div className="pf-figure pf-figure-main">
          <dt>P&L</dt>
          <dd>
            <Pnl value={live.totalPnL} testId="pf-pnl" />
          </dd>
          <dd className="pf-figure-note" data-testid="pf-pnl-percent">
            {pnlFraction === null ? <Missing reason="nothing invested, net" /> : <span className={tone(pnlFraction)}>{signedPercent(pnlFraction)} of {money(live.netInvested)} put in</span>}
          </dd>
        </div>
        <div className="pf-figure">
          <dt>Unrealised (average cost)</dt>
          <dd className={tone(live.unrealisedPnl)}>{signedMoney(live.unrealisedPnl)}</dd>
        </div>
        <div className="pf-figure">
          <dt>Realised (FIFO)</dt>
          <dd className={tone(portfolio.realisedPnl)}>{signedMoney(portfolio.realisedPnl)}</dd>
        </div>
        <div className="pf-figure">
          <dt>Cost basis</dt>
          <dd>{money(portfolio.totalCost)}</dd>
        </div>
      </dl>
      <div className="pf-performance">
        <div className="pf-scroll" role="region" aria-label="Returns by period (scrolls)" tabIndex={0}>
          <table aria-label="Returns by period" data-testid="performance">
            <thead>
              <tr>
                <th scope="col">
                  <span className="sr-only">Return</span>
                </th>
                {PERIODS.map((p) => (
                  <th key={p} scope="col" className="num">
                    {p}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {(
                [
                  ["twr", "TWR", "time-weighted"],
                  ["mwr", "MWR", "money-weighted"],
                ] as const
              ).map(([key, label, meaning]) => (
                <tr key={key}>
                  <th scope="row">
                    {label}
                    <span className="pf-wide-only"> ({meaning})</span>
                  </th>
                  {PERIODS.map((p) => {
                    const value = analysis?.performance[key][p];
                    return (
                      <td key={p} className={`num ${tone(value) ?? ""}`} data-testid={`${key}-${p}`}>
                        {analysis === undefined ? (failed ? "—" : "…") : value === null || value === undefined ? "—" : signedPercent(value)}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p className="pf-footnote muted">
          TWR links the daily returns net of deposits and withdrawals (how the holdings did); MWR is the internal rate of return of the money
          put in and taken out (how your money did): the period&apos;s own return, annualised only over periods longer than a year.{" "}
          {failed ? "“—”: the analysis could not be loaded (below)." : "“—”: nothing was held in that period."}
        </p>
      </div>
    </section>
  );
}
