import { formatNumber, formatPrice } from "@/lib/format";
import { isoFromEpoch, shortUtc } from "@/lib/dates";

/** Text alternatives for the canvas charts: what a sighted user reads off them, in one sentence. */

const when = (epoch: number) => `${shortUtc(isoFromEpoch(epoch))} UTC`;

/** "BTC-USD 1h candles: 500 from 2025-01-01 00:00 UTC to …; last close 94,321.50; low 90,100.00, high 99,800.00. Lines: RSI." */
export function describeCandles(
  subject: string,
  candles: { time: number; high: number; low: number; close: number }[],
  lines: { name: string }[] = [],
): string {
  const first = candles[0];
  const last = candles.at(-1);
  if (!first || !last) return `${subject}: no candles`;
  let low = first.low;
  let high = first.high;
  for (const c of candles) {
    if (c.low < low) low = c.low;
    if (c.high > high) high = c.high;
  }
  const range = `${candles.length} from ${when(first.time)} to ${when(last.time)}`;
  const overlays = lines.length ? ` Lines: ${lines.map((l) => l.name).join(", ")}.` : "";
  return `${subject}: ${range}; last close ${formatPrice(last.close)}; low ${formatPrice(low)}, high ${formatPrice(high)}.${overlays}`;
}

/** "Equity: 120 points from … to …, first 10,000, last 11,234.5, low 9,800, high 11,500." per series. */
export function describeSeries(subject: string, series: { name: string; points: { time: number; value: number }[] }[]): string {
  const parts = series.map((s) => {
    const first = s.points[0];
    const last = s.points.at(-1);
    if (!first || !last) return `${s.name}: no points`;
    const values = s.points.map((p) => p.value);
    const low = values.reduce((a, b) => Math.min(a, b));
    const high = values.reduce((a, b) => Math.max(a, b));
    return (
      `${s.name}: ${s.points.length} points from ${when(first.time)} to ${when(last.time)}, first ${formatNumber(first.value, 2)}, ` +
      `last ${formatNumber(last.value, 2)}, low ${formatNumber(low, 2)}, high ${formatNumber(high, 2)}`
    );
  });
  return `${subject}. ${parts.join("; ") || "No data"}.`;
}
