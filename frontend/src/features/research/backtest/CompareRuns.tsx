import { useQueries } from "@tanstack/react-query";
import { useMemo } from "react";
import { LineChart, type Series } from "@/components/charts/LineChart";
import { Skeleton } from "@/components/ui";
import { fetchRunData, keys, type BacktestRun } from "../api";
import { epochSeconds, shortUtc } from "@/lib/dates";
import { downsampleEquity } from "./downsample";
import { formatMetric, metricKeys, metricLabel, metricTone } from "./metrics";

/** Two or more runs side by side: every metric per run, and their equity curves (as % of capital) on one chart. */
export function CompareRuns({ runs }: { runs: BacktestRun[] }) {
  const data = useQueries({
    queries: runs.map((run) => ({
      queryKey: keys.runData(run.backtestId),
      queryFn: () => fetchRunData(run.backtestId),
      staleTime: Infinity,
    })),
  });
  const loading = data.some((d) => d.isPending);
  const stamp = data.map((d) => d.dataUpdatedAt).join(",");
  const series = useMemo<Series[]>(
    () =>
      runs.map((run, i) => {
        const capital = Number(run.initialCapital) || 1;
        return {
          name: `${run.backtestId.slice(-8)} ${run.strategyName}`,
          points: downsampleEquity(data[i]?.data?.equity ?? []).map((p) => ({
            time: epochSeconds(p.timestamp),
            value: +((p.equity / capital - 1) * 100).toFixed(4),
          })),
        };
      }),
    // `data` is a new array each render; its update stamps say when any curve changed.
    [runs, stamp],
  );
  const rows = metricKeys(...runs.map((r) => r.results));

  return (
    <div className="stack" data-testid="compare-runs">
      <h3 className="research-h3">Cumulative return (%)</h3>
      {loading ? <Skeleton lines={5} height={40} /> : <LineChart series={series} height={300} testId="compare-chart" />}
      <div className="table-wrap">
        <table data-testid="compare-table">
          <thead>
            <tr>
              <th scope="col">Metric</th>
              {runs.map((run) => (
                <th key={run.backtestId} scope="col" className="num">
                  <div>{run.backtestId}</div>
                  <div className="muted">
                    {run.strategyName} · {run.symbol} {run.interval}
                  </div>
                  <div className="muted">
                    {shortUtc(run.from).slice(0, 10)} → {shortUtc(run.to).slice(0, 10)}
                  </div>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            <tr>
              <th scope="row">Parameters</th>
              {runs.map((run) => (
                <td key={run.backtestId} className="num research-wrap">
                  {Object.entries(run.parameters)
                    .map(([k, v]) => `${k} ${typeof v === "string" ? v : JSON.stringify(v)}`)
                    .join(", ")}
                </td>
              ))}
            </tr>
            {rows.map((key) => (
              <tr key={key}>
                <th scope="row">{metricLabel(key)}</th>
                {runs.map((run) => (
                  <td key={run.backtestId} className={"num " + (metricTone(key, run.results[key]) ?? "")}>
                    {formatMetric(key, run.results[key])}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
