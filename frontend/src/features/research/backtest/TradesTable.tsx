import { useState } from "react";
import { EmptyState } from "@/components/ui";
import { formatNumber, formatPrice } from "@/lib/format";
import type { Trade } from "../api";
import { shortUtc } from "@/lib/dates";

const PAGE = 50;

/** A run's trades, 50 at a time. */
export function TradesTable({ trades }: { trades: Trade[] }) {
  const [shown, setShown] = useState(PAGE);
  if (trades.length === 0) {
    return (
      <EmptyState title="No trades">
        The strategy never entered over this range. Loosen its thresholds, pick a longer range or another interval.
      </EmptyState>
    );
  }
  return (
    <div className="stack">
      <div className="table-wrap research-scroll" tabIndex={0} aria-label="Trades table">
        <table data-testid="trades-table">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Side</th>
              <th scope="col">Entry (UTC)</th>
              <th scope="col">Exit (UTC)</th>
              <th scope="col" className="num">
                Entry price
              </th>
              <th scope="col" className="num">
                Exit price
              </th>
              <th scope="col" className="num">
                Units
              </th>
              <th scope="col" className="num">
                Fees
              </th>
              <th scope="col" className="num">
                P&amp;L
              </th>
              <th scope="col">Exit reason</th>
            </tr>
          </thead>
          <tbody>
            {trades.slice(0, shown).map((t, i) => (
              <tr key={`${t.entryBar}-${i}`}>
                <td>{i + 1}</td>
                <td>{t.side}</td>
                <td>{shortUtc(t.entryAt)}</td>
                <td>{shortUtc(t.exitAt)}</td>
                <td className="num">{formatPrice(t.entryPrice)}</td>
                <td className="num">{formatPrice(t.exitPrice)}</td>
                <td className="num">{formatNumber(t.units, 6)}</td>
                <td className="num">{formatNumber(t.fees, 2)}</td>
                <td className={"num " + (t.pnl > 0 ? "up" : t.pnl < 0 ? "down" : "")}>{formatNumber(t.pnl, 2)}</td>
                <td>
                  <span className="pill">{t.exitReason}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {trades.length > shown ? (
        <button type="button" onClick={() => setShown(shown + PAGE)}>
          Show more trades ({trades.length - shown} left)
        </button>
      ) : null}
    </div>
  );
}
