import type { Candle } from "@/components/charts/CandleChart";
import { formatCompact, formatPrice } from "@/lib/format";
import { isoFromEpoch, shortUtc } from "@/lib/dates";

/** The loaded candles, oldest first (times in UTC, as stored). */
export function CandleTable({ candles }: { candles: Candle[] }) {
  return (
    <div className="table-wrap research-scroll" tabIndex={0} aria-label="Candles table">
      <table data-testid="candle-table">
        <thead>
          <tr>
            <th scope="col">Open time (UTC)</th>
            <th scope="col" className="num">
              Open
            </th>
            <th scope="col" className="num">
              High
            </th>
            <th scope="col" className="num">
              Low
            </th>
            <th scope="col" className="num">
              Close
            </th>
            <th scope="col" className="num">
              Volume
            </th>
          </tr>
        </thead>
        <tbody>
          {candles.map((c) => (
            <tr key={c.time}>
              <td>{shortUtc(isoFromEpoch(c.time))}</td>
              <td className="num">{formatPrice(c.open)}</td>
              <td className="num">{formatPrice(c.high)}</td>
              <td className="num">{formatPrice(c.low)}</td>
              <td className={"num " + (c.close >= c.open ? "up" : "down")}>{formatPrice(c.close)}</td>
              <td className="num">{formatCompact(c.volume)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
