import { useState } from "react";
import { DataTable, type Column } from "@/components/table/DataTable";
import { EmptyState } from "@/components/ui";
import { shortUtc } from "@/lib/dates";
import { formatNumber, formatPrice } from "@/lib/format";
import type { Trade } from "../api";

const PAGE = 50;

const tone = (pnl: number) => (pnl > 0 ? "up" : pnl < 0 ? "down" : undefined);

// The entry and exit prices and the trade's number give way first: side, times, size, fees, P&L and why it
// closed are what a trade list is read for.
const COLUMNS: Column<Trade>[] = [
  { key: "number", label: "#", cell: (_, i) => i + 1, sortValue: (_, i) => i, priority: 3 },
  { key: "side", label: "Side", cell: (t) => t.side, sortValue: (t) => t.side },
  { key: "entryAt", label: "Entry (UTC)", cell: (t) => shortUtc(t.entryAt), sortValue: (t) => t.entryAt },
  { key: "exitAt", label: "Exit (UTC)", cell: (t) => shortUtc(t.exitAt), sortValue: (t) => t.exitAt },
  { key: "entryPrice", label: "Entry price", align: "end", cell: (t) => formatPrice(t.entryPrice), sortValue: (t) => t.entryPrice, priority: 2 },
  { key: "exitPrice", label: "Exit price", align: "end", cell: (t) => formatPrice(t.exitPrice), sortValue: (t) => t.exitPrice, priority: 2 },
  { key: "units", label: "Units", align: "end", cell: (t) => formatNumber(t.units, 6), sortValue: (t) => t.units },
  { key: "fees", label: "Fees", align: "end", cell: (t) => formatNumber(t.fees, 2), sortValue: (t) => t.fees },
  {
    key: "pnl",
    label: "P&L",
    align: "end",
    cell: (t) => formatNumber(t.pnl, 2),
    sortValue: (t) => t.pnl,
    cellProps: (t) => ({ className: tone(t.pnl) }),
  },
  { key: "exitReason", label: "Exit reason", cell: (t) => <span className="pill">{t.exitReason}</span>, sortValue: (t) => t.exitReason },
];

/** A run's trades, 50 at a time. */
export function TradesTable({ trades }: { trades: Trade[] }) {
  const [shown, setShown] = useState(PAGE);
  return (
    <div className="stack">
      <DataTable
        columns={COLUMNS}
        rows={trades}
        rowKey={(t, i) => `${t.entryBar}-${i}`}
        label="Trades"
        testId="trades-table"
        limit={shown}
        maxHeight="420px"
        empty={
          <EmptyState title="No trades">
            The strategy never entered over this range. Loosen its thresholds, pick a longer range or another interval.
          </EmptyState>
        }
      />
      {trades.length > shown ? (
        <button type="button" onClick={() => setShown(shown + PAGE)}>
          Show more trades ({trades.length - shown} left)
        </button>
      ) : null}
    </div>
  );
}
