import { useState } from "react";
import { ConfirmButton } from "@/components/ConfirmButton";
import { DataTable, type Column } from "@/components/table/DataTable";
import { shortUtc } from "@/lib/dates";
import { formatTime } from "@/lib/format";
import type { BacktestRun } from "../api";
import { formatMetric, metricOrder, metricTone } from "./metrics";

const metric = (key: "totalReturn" | "sharpeRatio" | "maxDrawdown" | "totalTrades", label: string): Column<BacktestRun> => ({
  key,
  label,
  align: "end",
  cell: (run) => formatMetric(key, run.results[key]),
  sortValue: (run) => metricOrder(run.results[key]),
  cellProps: (run) => ({ className: metricTone(key, run.results[key]) }),
});

// The run's id is its "view" button, so it stays; the creation time gives way first, then the range.
/** Past runs, newest first: view one, tick 2+ to compare, delete with a confirmation. */
export function RunsList({
  runs,
  selectedId,
  compareIds,
  onView,
  onToggleCompare,
  onDelete,
}: {
  runs: BacktestRun[];
  selectedId: string | null;
  compareIds: string[];
  onView: (id: string) => void;
  onToggleCompare: (id: string) => void;
  onDelete: (id: string) => void;
}) {
  const [confirming, setConfirming] = useState<string | null>(null);
  const columns: Column<BacktestRun>[] = [
    {
      key: "compare",
      label: "Compare",
      cell: (run) => (
        <input
          type="checkbox"
          checked={compareIds.includes(run.backtestId)}
          onChange={() => onToggleCompare(run.backtestId)}
          aria-label={`Compare ${run.backtestId}`}
        />
      ),
    },
    {
      key: "run",
      label: "Run",
      cell: (run) => (
        <button type="button" className="link-button" onClick={() => onView(run.backtestId)} aria-label={`View ${run.backtestId}`}>
          {run.backtestId}
        </button>
      ),
      sortValue: (run) => run.backtestId,
    },
    { key: "strategy", label: "Strategy", cell: (run) => run.strategyName, sortValue: (run) => run.strategyName },
    { key: "market", label: "Market", cell: (run) => `${run.symbol} ${run.interval}`, sortValue: (run) => `${run.symbol} ${run.interval}` },
    {
      key: "range",
      label: "Range (UTC)",
      cell: (run) => `${shortUtc(run.from).slice(0, 10)} → ${shortUtc(run.to).slice(0, 10)}`,
      sortValue: (run) => run.from,
      priority: 2,
    },
    metric("totalReturn", "Return"),
    metric("sharpeRatio", "Sharpe"),
    metric("maxDrawdown", "Max DD"),
    metric("totalTrades", "Trades"),
    { key: "created", label: "Created", cell: (run) => formatTime(run.createdAt), sortValue: (run) => run.createdAt, priority: 3 },
    {
      key: "actions",
      label: "Actions",
      hideLabel: true,
      cell: (run) => (
        <div className="row research-actions">
          <ConfirmButton
            label={`Delete ${run.backtestId}`}
            asking={confirming === run.backtestId}
            onAskingChange={(asking) => setConfirming(asking ? run.backtestId : null)}
            onConfirm={() => {
              setConfirming(null);
              onDelete(run.backtestId);
            }}
          />
        </div>
      ),
    },
  ];
  return (
    <DataTable
      columns={columns}
      rows={runs}
      rowKey={(run) => run.backtestId}
      label="Past runs"
      testId="runs-table"
      rowProps={(run) => (run.backtestId === selectedId ? { "aria-current": "true" } : {})}
    />
  );
}
