import type { EquityPoint } from "../api";

/**
 * At most `max` points for a chart: the first point, then one per bucket of bars with the bucket's last equity
 * and its deepest drawdown (so the worst drawdown still shows). lightweight-charts keeps at least half a pixel
 * per point, so a year of hours would not fit on screen otherwise.
 */
export function downsampleEquity(points: EquityPoint[], max = 600): EquityPoint[] {
  if (points.length <= max || max < 2) return points;
  const [first, ...rest] = points;
  const size = Math.ceil(rest.length / (max - 1));
  const out: EquityPoint[] = [first!];
  for (let i = 0; i < rest.length; i += size) {
    const bucket = rest.slice(i, i + size);
    const last = bucket[bucket.length - 1]!;
    const deepest = bucket.reduce((m, p) => Math.min(m, p.drawdown), 0);
    out.push({ timestamp: last.timestamp, equity: last.equity, drawdown: deepest });
  }
  return out;
}
