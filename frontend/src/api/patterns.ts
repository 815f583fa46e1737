import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "./client";
import type { components } from "./schema";

/**
 * Candlestick and chart patterns: the catalog (GET /api/patterns), the detections over a range of bars
 * (GET /api/patterns/{symbol}) and how a pattern did afterwards (GET /api/patterns/stats). Read by the Markets
 * chart, the alert form's pattern picker and the analysis page.
 */

type Schemas = components["schemas"];
export type PatternCatalog = Schemas["PatternCatalog"];
export type CandlePatternInfo = Schemas["CandlePatternInfo"];
export type ChartPatternInfo = Schemas["ChartKindInfo"];
export type PatternScan = Schemas["PatternsOut"];
export type CandleDetection = Schemas["CandleFound"];
export type ChartDetection = Schemas["ChartFound"];
export type Level = Schemas["LevelOut"];
export type TrendLine = Schemas["TrendLineOut"];
export type PricePoint = Schemas["TimePrice"];
export type Direction = CandleDetection["direction"];
export type PatternStats = Schemas["PatternStatsOut"];
export type PatternStatsJob = Schemas["StatsJob"];

export interface ScanParams {
  interval: string;
  from?: string | undefined;
  to?: string | undefined;
  /** Comma list: candles, chart, levels, trendlines, a CDL name or a chart kind. */
  kinds?: string | undefined;
}

export const patternKeys = {
  catalog: ["patterns", "catalog"] as const,
  scan: (symbol: string, params: ScanParams) => ["patterns", "scan", symbol, params] as const,
  stats: (symbol: string, pattern: string, interval: string) => ["patterns", "stats", symbol, pattern, interval] as const,
};

export const fetchPatternCatalog = () => unwrap(api.GET("/api/patterns"));

export const fetchPatternScan = (symbol: string, { interval, from, to, kinds }: ScanParams) =>
  unwrap(
    api.GET("/api/patterns/{symbol}", {
      params: { path: { symbol }, query: { interval, from: from ?? null, to: to ?? null, kinds: kinds || null } },
    }),
  );

/** The stats (200), or the job still computing them (202). */
export const fetchPatternStats = (symbol: string, pattern: string, interval: string): Promise<PatternStats | PatternStatsJob> =>
  unwrap(api.GET("/api/patterns/stats", { params: { query: { symbol, pattern, interval } } }));

export const isStatsJob = (value: PatternStats | PatternStatsJob | undefined): value is PatternStatsJob =>
  value !== undefined && "jobId" in value;

/** The pattern catalog; it only changes with a backend release. */
export function usePatternCatalog({ enabled = true }: { enabled?: boolean } = {}) {
  return useQuery({ queryKey: patternKeys.catalog, queryFn: fetchPatternCatalog, staleTime: Infinity, enabled });
}

/** How a pattern did on a symbol: polled every 2 s while the server computes it. */
export function usePatternStats(symbol: string, pattern: string, interval: string) {
  return useQuery({
    queryKey: patternKeys.stats(symbol, pattern, interval),
    queryFn: () => fetchPatternStats(symbol, pattern, interval),
    enabled: Boolean(symbol && pattern && interval),
    staleTime: 10 * 60_000,
    retry: false,
    refetchInterval: (q) => (isStatsJob(q.state.data) ? 2000 : false),
  });
}
