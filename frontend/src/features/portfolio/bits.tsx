/** Small pieces the portfolio screens share: a missing number with its reason, the drift badge, signed P&L. */
import { percent, signedMoney, signedPercent, tone } from "./format";

/** "—" and why there is no number, said in words (not left to a tooltip). */
export function Missing({ reason }: { reason: string }) {
  return (
    <span className="pf-missing">
      <span aria-hidden="true">—</span>
      <span className="pf-reason">{reason}</span>
    </span>
  );
}

/** Whether the portfolio's weights have left the band around its targets, in words (the colour only repeats it). */
export function DriftBadge({ needed, hasTargets, maxDeviation, band }: { needed: boolean; hasTargets: boolean; maxDeviation?: number; band: number }) {
  if (!hasTargets) return <span className="muted">No targets</span>;
  if (!needed) {
    return (
      <span className="pf-badge pf-badge-ok" data-testid="drift-ok">
        Within ±{percent(band)}
      </span>
    );
  }
  return (
    <span className="pf-badge pf-badge-drift" data-testid="drift-badge">
      <span aria-hidden="true">⚠ </span>Rebalance due{maxDeviation !== undefined ? ` · drift ${percent(maxDeviation)} > ±${percent(band)}` : ""}
    </span>
  );
}

/** A P&L amount with its percent: "+1,125.00 (+4.69%)", signed in text and toned. */
export function Pnl({ value, fraction, testId }: { value: number | null | undefined; fraction?: number | null | undefined; testId?: string }) {
  return (
    <span className={tone(value)} data-testid={testId}>
      {signedMoney(value)}
      {fraction !== undefined && fraction !== null && Number.isFinite(fraction) ? ` (${signedPercent(fraction)})` : ""}
    </span>
  );
}
