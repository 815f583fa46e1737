import { api, authedFetch, unwrap } from "@/api/client";
import { toApiError } from "@/api/errors";
import type { components } from "@/api/schema";

/** The research screens' calls to the API; every type is the generated OpenAPI one. */

export type HistoricalPage = components["schemas"]["Historical"];
export type ApiCandle = components["schemas"]["Candle"];
export type Job = components["schemas"]["JobOut"];
export type StrategyRequest = components["schemas"]["StrategyIn"];
export type OptimizeRequest = components["schemas"]["OptimizeIn"];
export type SweepRange = components["schemas"]["Range"];
export type Evaluation = components["schemas"]["EvaluateOut"];

export const EXPORT_FORMATS = ["csv", "json", "xlsx", "parquet"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export type StrategyParam = components["schemas"]["StrategyParam"];
export type StrategyInfo = components["schemas"]["StrategyInfo"];
// A run and its metrics, and the list of the user's runs, are shared with the community's attachment picker.
export type { BacktestRun, Results } from "@/api/backtests";
import { fetchRuns, RUNS_KEY, type BacktestRun, type Results } from "@/api/backtests";
import { saveBlob } from "@/lib/download";
export { fetchRuns };
export type EquityPoint = components["schemas"]["EquityPoint"];
export type Trade = components["schemas"]["Trade"];
export type RunData = components["schemas"]["RunData"];
/** A sweep's combination (SweepRow): its swept parameters are numbers, its metrics read by key. */
export type SweepRow = Omit<components["schemas"]["SweepRow"], "parameters" | "inSample" | "outOfSample"> & {
  parameters: Record<string, number>;
  inSample: Results;
  outOfSample: Results | null;
};
/** A sweep job's `result` once done (SweepOut; GET /api/jobs/{jobId} types every job's result loosely). */
export type SweepResult = Omit<components["schemas"]["SweepOut"], "results"> & { results: SweepRow[] };

export const keys = {
  historical: (symbol: string, interval: string, from: string, to: string) =>
    ["research", "historical", symbol, interval, from, to] as const,
  previewCandles: (symbol: string, interval: string, from: number, to: number) =>
    ["research", "preview-candles", symbol, interval, from, to] as const,
  indicators: ["research", "indicators"] as const,
  strategies: ["research", "strategies"] as const,
  runs: RUNS_KEY,
  run: (id: string) => ["research", "run", id] as const,
  runData: (id: string) => ["research", "run-data", id] as const,
  job: (id: string) => ["research", "job", id] as const,
};

export function fetchHistorical(query: {
  symbol: string;
  interval: string;
  from?: string;
  to?: string;
  limit: number;
  cursor?: string | null;
}): Promise<HistoricalPage> {
  return unwrap(api.GET("/api/data/historical", { params: { query } }));
}

export const createIndicator = (body: components["schemas"]["CustomIndicatorIn"]) =>
  unwrap(api.POST("/api/indicators/custom", { body }));

export const updateIndicator = (id: number, body: components["schemas"]["CustomIndicatorPatch"]) =>
  unwrap(api.PATCH("/api/indicators/custom/{indicatorId}", { params: { path: { indicatorId: id } }, body }));

export const deleteIndicator = (id: number) =>
  unwrap(
    api.DELETE("/api/indicators/custom/{indicatorId}", { params: { path: { indicatorId: id } } }),
  );

/**
 * A formula checked and evaluated without saving anything: its values (null where undefined, e.g. during
 * warm-up) at each bar's open time over [from, to). Parameters are passed as they are, not substituted in the
 * text. A formula that does not parse is a 422 on `formula` whose message names the column of the text sent.
 */
export const evaluateFormula = (body: components["schemas"]["FormulaEvaluateIn"]) =>
  unwrap(api.POST("/api/indicators/evaluate", { body }));

export const fetchStrategies = () => unwrap(api.GET("/api/backtest/strategies"));

export const runBacktest = (body: StrategyRequest): Promise<BacktestRun> =>
  unwrap(api.POST("/api/backtest/strategy", { body }));

export const fetchRun = (id: string): Promise<BacktestRun> =>
  unwrap(api.GET("/api/backtest/{backtestId}", { params: { path: { backtestId: id } } }));

export const fetchRunData = (id: string) =>
  unwrap(api.GET("/api/backtest/{backtestId}/data", { params: { path: { backtestId: id } } }));

export async function deleteRun(id: string): Promise<void> {
  const { response, error } = await api.DELETE("/api/backtest/{backtestId}", { params: { path: { backtestId: id } } });
  if (!response.ok) throw toApiError(response.status, error);
}

export const startSweep = (body: OptimizeRequest): Promise<Job> => unwrap(api.POST("/api/backtest/optimize", { body }));

export const fetchJob = (jobId: string) => unwrap(api.GET("/api/jobs/{jobId}", { params: { path: { jobId } } }));

export const cancelJob = (jobId: string) =>
  unwrap(api.POST("/api/jobs/{jobId}/cancel", { params: { path: { jobId } } }));

/** The export route's file for the range, saved through a temporary <a download>. Returns the file name. */
export async function downloadExport(query: {
  symbol: string;
  interval: string;
  from: string;
  to: string;
  format: ExportFormat;
}): Promise<string> {
  const params = new URLSearchParams(query);
  const response = await authedFetch(`/api/data/historical/export?${params.toString()}`);
  const blob = await response.blob();
  const fallback = `${query.symbol}_${query.interval}.${query.format}`;
  const name = filenameFrom(response.headers.get("Content-Disposition")) ?? fallback;
  saveBlob(blob, name);
  return name;
}

export function filenameFrom(disposition: string | null): string | null {
  if (!disposition) return null;
  const star = /filename\*=(?:UTF-8'')?([^;]+)/i.exec(disposition);
  if (star?.[1]) return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ""));
  const plain = /filename="?([^";]+)"?/i.exec(disposition);
  return plain?.[1]?.trim() ?? null;
}

