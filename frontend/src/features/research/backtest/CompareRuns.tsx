import { useQueries } from "@tanstack/react-query";
import { useMemo } from "react";
import { LineChart, type Series } from "@/components/charts/LineChart";
import { DataTable, type Column } from "@/components/table/DataTable";
import { Skeleton } from "@/components/ui";
import { fetchRunData, keys, type BacktestRun } from "../api";
import { epochSeconds, shortUtc } from "@/lib/dates";
import { useStableArray } from "@/lib/useStableArray";
import { downsampleEquity } from "./downsample";
import { formatMetric, metricKeys, metricLabel, metricTone } from "./metrics";

/** One line of the comparison: a metric (or the parameters) across the runs. */
interface CompareRow {
  key: string;
  label: string;
  value: (run: BacktestRun) => string;
  tone?: (run: BacktestRun) => string | undefined;
  wrap?: boolean;
}

const parametersText = (run: BacktestRun) =>
  Object.entries(run.parameters)
    .map(([k, v]) => `${k} ${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(", ");

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
  // Kept while no curve changes, so the chart is not redrawn on every render.
  const curves = useStableArray(data.map((d) => d.data?.equity));
  const series = useMemo<Series[]>(
    () =>
      runs.map((run, i) => {
        const capital = Number(run.initialCapital) || 1;
        return {
          name: `${run.backtestId.slice(-8)} ${run.strategyName}`,
          points: downsampleEquity(curves[i] ?? []).map((p) => ({
            time: epochSeconds(p.timestamp),
            value: +((p.equity / capital - 1) * 100).toFixed(4),
          })),
        };
      }),
    [runs, curves],
  );
  const rows: CompareRow[] = [
    { key: "parameters", label: "Parameters", value: (run) => parametersText(run), wrap: true },
    ...metricKeys(...runs.map((r) => r.results)).map((key) => ({
      key,
      label: metricLabel(key),
      value: (run: BacktestRun) => formatMetric(key, run.results[key]),
      tone: (run: BacktestRun) => metricTone(key, run.results[key]),
    })),
  ];
  const columns: Column<CompareRow>[] = [
    { key: "metric", label: "Metric", rowHeader: true, cell: (row) => row.label },
    ...runs.map(
      (run): Column<CompareRow> => ({
        key: run.backtestId,
        label: run.backtestId,
        align: "end",
        header: (
          <>
            <div>{run.backtestId}</div>
            <div className="muted">
              {run.strategyName} · {run.symbol} {run.interval}
            </div>
            <div className="muted">
              {shortUtc(run.from).slice(0, 10)} → {shortUtc(run.to).slice(0, 10)}
            </div>
          </>
        ),
        cell: (row) => row.value(run),
        cellProps: (row) => ({ className: row.wrap ? "research-wrap" : row.tone?.(run) }),
      }),
    ),
  ];

  return (
    <div className="stack" data-testid="compare-runs">
      <h3 className="research-h3">Cumulative return (%)</h3>
      {loading ? <Skeleton lines={5} height={40} /> : <LineChart label="Cumulative return (%) of the compared runs" series={series} height={300} testId="compare-chart" />}
      <DataTable columns={columns} rows={rows} rowKey={(row) => row.key} label="Runs compared" testId="compare-table" />
    </div>
  );
}
