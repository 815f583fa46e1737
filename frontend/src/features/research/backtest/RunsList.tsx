import { useState } from "react";
import { ConfirmButton } from "@/components/ConfirmButton";
import { formatTime } from "@/lib/format";
import type { BacktestRun } from "../api";
import { shortUtc } from "@/lib/dates";
import { formatMetric, metricTone } from "./metrics";

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
  return (
    <div className="table-wrap">
      <table data-testid="runs-table">
        <thead>
          <tr>
            <th scope="col">Compare</th>
            <th scope="col">Run</th>
            <th scope="col">Strategy</th>
            <th scope="col">Market</th>
            <th scope="col">Range (UTC)</th>
            <th scope="col" className="num">
              Return
            </th>
            <th scope="col" className="num">
              Sharpe
            </th>
            <th scope="col" className="num">
              Max DD
            </th>
            <th scope="col" className="num">
              Trades
            </th>
            <th scope="col">Created</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={run.backtestId} aria-current={run.backtestId === selectedId ? "true" : undefined}>
              <td>
                <input
                  type="checkbox"
                  checked={compareIds.includes(run.backtestId)}
                  onChange={() => onToggleCompare(run.backtestId)}
                  aria-label={`Compare ${run.backtestId}`}
                />
              </td>
              <td>
                <button type="button" className="link-button" onClick={() => onView(run.backtestId)} aria-label={`View ${run.backtestId}`}>
                  {run.backtestId}
                </button>
              </td>
              <td>{run.strategyName}</td>
              <td>
                {run.symbol} {run.interval}
              </td>
              <td>
                {shortUtc(run.from).slice(0, 10)} → {shortUtc(run.to).slice(0, 10)}
              </td>
              {(["totalReturn", "sharpeRatio", "maxDrawdown", "totalTrades"] as const).map((key) => (
                <td key={key} className={"num " + (metricTone(key, run.results[key]) ?? "")}>
                  {formatMetric(key, run.results[key])}
                </td>
              ))}
              <td>{formatTime(run.createdAt)}</td>
              <td>
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
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
