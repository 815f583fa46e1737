import { Link } from "react-router-dom";
import { DataTable, type Column } from "@/components/table/DataTable";
import { Card } from "@/components/ui";
import { DriftBadge } from "./bits";
import { percent, signedPercent } from "./format";
import { allocationRows, type AllocationRow, type LiveValuation } from "./live";
import type { Portfolio } from "./types";

const pct = (fraction: number) => `${Math.max(0, Math.min(100, fraction * 100))}%`;

function Bar({ row }: { row: AllocationRow }) {
  return (
    <span className="pf-bar" aria-hidden="true">
      <span className={`pf-bar-fill${row.outside ? " pf-bar-off" : ""}`} style={{ width: pct(row.weight ?? 0) }} />
      {row.target > 0 ? <span className="pf-bar-target" style={{ left: pct(row.target) }} /> : null}
    </span>
  );
}

function columns(band: number): Column<AllocationRow>[] {
  return [
    { key: "symbol", label: "Symbol", rowHeader: true, cell: (r) => r.symbol, sortValue: (r) => r.symbol },
    { key: "weight", label: "Allocation", align: "end", cell: (r) => percent(r.weight), sortValue: (r) => r.weight },
    { key: "target", label: "Target", align: "end", cell: (r) => percent(r.target), sortValue: (r) => r.target },
    {
      key: "deviation",
      label: "Deviation",
      align: "end",
      cell: (r) => (r.deviation === null ? "—" : signedPercent(r.deviation, 1).replace("%", " pts")),
      sortValue: (r) => r.deviation,
      cellProps: (r) => ({ className: r.outside ? "pf-warn" : undefined, "data-testid": `deviation-${r.symbol}` }),
    },
    {
      key: "status",
      label: "Band",
      cell: (r) => (r.deviation === null ? "—" : r.outside ? (r.deviation > 0 ? `Above ±${percent(band)}` : `Below ±${percent(band)}`) : "Within"),
      cellProps: (r) => ({ className: r.outside ? "pf-warn" : "muted" }),
      priority: 2,
    },
    { key: "bar", label: "Allocation (bar) against target (mark)", hideLabel: true, cell: (r) => <Bar row={r} />, cellProps: () => ({ className: "pf-bar-cell" }), priority: 3 },
  ];
}

/** Where the value sits against the targets, at the live prices: each symbol's weight, target and deviation. */
export function AllocationCard({ portfolio, live }: { portfolio: Portfolio; live: LiveValuation }) {
  const targets = portfolio.targetAllocations;
  const hasTargets = Object.keys(targets).length > 0;
  const rows = allocationRows(live.weights, targets, portfolio.band, live.totalValue > 0);
  const maxDeviation = rows.reduce((m, r) => Math.max(m, Math.abs(r.deviation ?? 0)), 0);
  const needed = hasTargets && rows.some((r) => r.outside);
  return (
    <Card title="Allocation against targets" actions={<DriftBadge needed={needed} hasTargets={hasTargets} maxDeviation={maxDeviation} band={portfolio.band} />}>
      <div className="stack">
        <DataTable
          columns={columns(portfolio.band)}
          rows={rows}
          rowKey={(r) => r.symbol}
          label="Allocation against targets"
          testId="allocation-table"
          maxHeight="none"
          empty={<p className="muted pf-inline-empty">Nothing held and no targets yet.</p>}
        />
        <p className="muted pf-footnote">
          {hasTargets ? (
            <>
              Rebalancing is due when a weight is more than ±{percent(portfolio.band)} from its target ({portfolio.bandIsDefault ? "the risk profile's band" : "this portfolio's band"}
              ). The bar is the allocation, the mark the target.{" "}
            </>
          ) : (
            <>No targets: nothing to drift from. </>
          )}
          <Link to={`/portfolios/${portfolio.portfolioId}/settings`}>{hasTargets ? "Change the targets" : "Set targets"}</Link>
        </p>
      </div>
    </Card>
  );
}
