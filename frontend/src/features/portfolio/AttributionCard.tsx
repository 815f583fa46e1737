import { Card, EmptyState } from "@/components/ui";
import { signedPercent, tone } from "./format";
import type { Attribution } from "./types";

const cell = (value: number | null | undefined) => <td className={`num ${tone(value) ?? ""}`}>{value === null || value === undefined ? "—" : signedPercent(value)}</td>;

/** Each asset's share of the return over the period, and the allocation effect against the targets held at
 * constant weight (Carino-linked: the contributions add up to the return, the effects to the excess return). */
export function AttributionCard({ attribution, hasTargets }: { attribution: Attribution; hasTargets: boolean }) {
  const symbols = [...new Set([...Object.keys(attribution.contribution), ...Object.keys(attribution.allocationEffect)])].sort(
    (a, b) => Math.abs(attribution.contribution[b] ?? 0) - Math.abs(attribution.contribution[a] ?? 0),
  );
  const days = attribution.period.replace(/D$/, "");
  return (
    <Card title="Attribution">
      {attribution.portfolioReturn === null || symbols.length === 0 ? (
        <EmptyState title="No attribution yet">
          <p>It needs a day of holdings with prices: the return of each asset from one daily close to the next.</p>
        </EmptyState>
      ) : (
        <div className="stack">
          <table className="pf-compact" aria-label={`Attribution over the last ${days} days`} data-testid="attribution-table">
            <thead>
              <tr>
                <th scope="col">Asset</th>
                <th scope="col" className="num">
                  Contribution
                </th>
                <th scope="col" className="num">
                  Allocation effect
                </th>
              </tr>
            </thead>
            <tbody>
              {symbols.map((symbol) => (
                <tr key={symbol}>
                  <th scope="row">{symbol}</th>
                  {cell(attribution.contribution[symbol])}
                  {cell(attribution.allocationEffect[symbol])}
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">Total</th>
                {cell(attribution.portfolioReturn)}
                {cell(attribution.excessReturn)}
              </tr>
            </tfoot>
          </table>
          <p className="muted pf-footnote">
            Over the last {days} days as the portfolio was held. Contributions add up to the portfolio's return; allocation effects to its excess
            over the targets held at constant weight
            {hasTargets ? ` (which returned ${signedPercent(attribution.benchmarkReturn)})` : " (no targets: the benchmark is empty)"}.
          </p>
        </div>
      )}
    </Card>
  );
}
