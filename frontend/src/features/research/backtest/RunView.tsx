import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { LineChart, type Series } from "@/components/charts/LineChart";
import { Skeleton } from "@/components/ui";
import { formatTime } from "@/lib/format";
import { fetchRun, fetchRunData, keys, type BacktestRun } from "../api";
import { ErrorNotice } from "../common";
import { epochSeconds, shortUtc } from "@/lib/dates";
import { downsampleEquity } from "./downsample";
import { MetricsTable } from "./MetricsTable";
import { formatMetric, metricTone } from "./metrics";
import { TradesTable } from "./TradesTable";

function describeParameters(parameters: Record<string, unknown>): string {
  return Object.entries(parameters)
    .map(([k, v]) => `${k} = ${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(" · ");
}

const KPIS = [
  ["totalReturn", "Return"],
  ["sharpeRatio", "Sharpe"],
  ["maxDrawdown", "Max drawdown"],
  ["totalTrades", "Trades"],
  ["buyAndHoldReturn", "Buy & hold"],
] as const;

export function RunSummary({ run }: { run: BacktestRun }) {
  const stops = Object.entries(run.stops ?? {}).filter(([, v]) => v !== null && v !== undefined);
  return (
    <div className="research-summary">
      <div>
        <strong>{run.strategyName}</strong> on {run.symbol} {run.interval} · {shortUtc(run.from)} → {shortUtc(run.to)}
      </div>
      <div className="muted">
        {describeParameters(run.parameters)}
        {stops.length ? ` · stops ${stops.map(([k, v]) => `${k} ${String(v)}`).join(", ")}` : ""}
      </div>
      <div className="research-kpis">
        {KPIS.map(([key, label]) => (
          <span key={key} className="research-kpi">
            <span className="muted">{label}</span>
            <strong className={metricTone(key, run.results[key])}>{formatMetric(key, run.results[key])}</strong>
          </span>
        ))}
      </div>
    </div>
  );
}

/** One run: summary, equity and drawdown charts, every metric, the trades and the server-drawn PNG. */
export function RunView({ backtestId }: { backtestId: string }) {
  const run = useQuery({ queryKey: keys.run(backtestId), queryFn: () => fetchRun(backtestId), staleTime: Infinity });
  const data = useQuery({ queryKey: keys.runData(backtestId), queryFn: () => fetchRunData(backtestId), staleTime: Infinity });

  const points = useMemo(() => downsampleEquity(data.data?.equity ?? []), [data.data]);
  const equity = useMemo<Series[]>(
    () => [{ name: "Equity", points: points.map((p) => ({ time: epochSeconds(p.timestamp), value: p.equity })) }],
    [points],
  );
  const drawdown = useMemo<Series[]>(
    () => [{ name: "Drawdown %", area: true, points: points.map((p) => ({ time: epochSeconds(p.timestamp), value: +(p.drawdown * 100).toFixed(4) })) }],
    [points],
  );

  if (run.isPending) return <Skeleton lines={8} height={28} />;
  if (run.isError) return <ErrorNotice error={run.error} what="run" />;
  const r = run.data;
  return (
    <div className="stack" data-testid="run-view">
      <RunSummary run={r} />
      <section className="stack" aria-label="Equity curve">
        <h3 className="research-h3">Equity and drawdown</h3>
        {data.isPending ? (
          <Skeleton lines={6} height={40} />
        ) : data.isError ? (
          <ErrorNotice error={data.error} what="equity curve" />
        ) : (
          <>
            <LineChart label={`Equity of the run on ${r.symbol}`} series={equity} height={300} testId="equity-chart" />
            <LineChart label={`Drawdown of the run on ${r.symbol}`} series={drawdown} height={150} testId="drawdown-chart" />
          </>
        )}
        <p className="muted">
          Completed {formatTime(r.completedAt)} ·{" "}
          <a href={r.equityCurveUrl} target="_blank" rel="noreferrer">
            Equity curve as PNG
          </a>
        </p>
      </section>
      <div className="research-columns">
        <section className="stack" aria-label="Metrics">
          <h3 className="research-h3">Metrics</h3>
          <MetricsTable results={r.results} />
        </section>
        <section className="stack" aria-label="Trades">
          <h3 className="research-h3">Trades ({data.data?.trades.length ?? "…"})</h3>
          {data.isPending ? <Skeleton lines={5} /> : data.data ? <TradesTable trades={data.data.trades} /> : null}
        </section>
      </div>
    </div>
  );
}
