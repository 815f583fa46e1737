import { DataTable, type Column } from "@/components/table/DataTable";
import { Card } from "@/components/ui";
import { formatPrice, formatTime } from "@/lib/format";
import { Missing, Pnl } from "./bits";
import { money, quantity, signedMoney, tone } from "./format";
import type { LivePosition, LiveValuation } from "./live";
import { isCash } from "./types";

/** Where a price came from, as people say it. */
export function sourceText(source: string | undefined): string {
  if (!source) return "";
  if (source === "peg") return "at its 1.00 peg";
  if (source === "simulator") return "simulated";
  if (source === "replay") return "replay of real data";
  if (source === "candle" || source === "close") return "last stored close";
  return source;
}

function PriceCell({ position }: { position: LivePosition }) {
  if (position.currentPrice === null) return <Missing reason="no price yet" />;
  const asOf = position.price?.asOf;
  return (
    <span className="pf-price">
      <span data-testid="position-price">{formatPrice(position.currentPrice)}</span>
      <span className="pf-price-source muted">
        {position.live ? "live · " : ""}
        {sourceText(position.price?.source)}
        {asOf ? ` · ${formatTime(asOf)}` : ""}
      </span>
    </span>
  );
}

const COLUMNS: Column<LivePosition>[] = [
  {
    key: "symbol",
    label: "Symbol",
    rowHeader: true,
    cell: (p) => (
      <span>
        <strong>{p.symbol}</strong>
        {isCash(p.symbol) ? <span className="muted"> · cash</span> : null}
      </span>
    ),
    sortValue: (p) => p.symbol,
  },
  { key: "quantity", label: "Quantity", align: "end", cell: (p) => quantity(p.quantity), sortValue: (p) => p.quantity },
  { key: "cost", label: "Average cost", align: "end", cell: (p) => formatPrice(p.entryPrice), sortValue: (p) => p.entryPrice, priority: 2 },
  { key: "price", label: "Price", align: "end", cell: (p) => <PriceCell position={p} />, sortValue: (p) => p.currentPrice },
  {
    key: "value",
    label: "Value",
    align: "end",
    cell: (p) => (p.currentValue === null ? <Missing reason="not counted" /> : money(p.currentValue)),
    sortValue: (p) => p.currentValue,
    cellProps: () => ({ "data-testid": "position-value" }),
  },
  {
    key: "pnl",
    label: "Unrealised P&L",
    align: "end",
    cell: (p) => (p.pnl === null ? <Missing reason="no price yet" /> : <Pnl value={p.pnl} fraction={p.pnlPercent === null ? null : p.pnlPercent / 100} />),
    sortValue: (p) => p.pnl,
    cellProps: () => ({ "data-testid": "position-pnl" }),
  },
  {
    key: "fifo",
    label: "Realised (FIFO)",
    align: "end",
    cell: (p) => <span className={tone(p.realisedPnlFifo)}>{signedMoney(p.realisedPnlFifo)}</span>,
    sortValue: (p) => p.realisedPnlFifo,
    priority: 2,
  },
  {
    key: "average",
    label: "Realised (average cost)",
    align: "end",
    cell: (p) => <span className={tone(p.realisedPnlAverage)}>{signedMoney(p.realisedPnlAverage)}</span>,
    sortValue: (p) => p.realisedPnlAverage,
    priority: 3,
  },
  { key: "income", label: "Income", align: "end", cell: (p) => money(p.income), sortValue: (p) => p.income, priority: 3 },
  { key: "fees", label: "Fees", align: "end", cell: (p) => money(p.fees), sortValue: (p) => p.fees, priority: 3 },
  { key: "since", label: "Held since", cell: (p) => formatTime(p.entryDate), sortValue: (p) => p.entryDate, cellProps: () => ({ className: "muted" }), priority: 3 },
];

/** The holdings at the live prices: unrealised P&L against the average cost (fees included), realised P&L both
 * ways (FIFO and average cost), income and fees, and where each price came from. */
export function PositionsTable({ live }: { live: LiveValuation }) {
  return (
    <Card title="Positions">
      <div className="stack">
        <DataTable
          columns={COLUMNS}
          rows={live.positions}
          rowKey={(p) => p.symbol}
          label="Positions"
          testId="positions-table"
          cards
          maxHeight="none"
          defaultSort={{ key: "value", direction: "descending" }}
          rowProps={(p) => ({ "data-testid": `position-${p.symbol}` })}
          empty={<p className="muted pf-inline-empty">Nothing held: record a buy or a deposit in Transactions.</p>}
        />
        <p className="muted pf-footnote">
          Unrealised P&L = (price − average cost) × quantity, the average cost including fees. Realised P&L is shown matched first-in first-out
          and against the average cost.
        </p>
      </div>
    </Card>
  );
}
