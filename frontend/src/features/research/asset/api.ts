import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { api, unwrap } from "@/api/client";
import type { paths } from "@/api/schema";
import { onUserEvent } from "@/realtime/socket";

/** The asset research calls: run a fundamental analysis, follow a pending one, list the caller's. Every type is
 * read from its route in the generated OpenAPI types (two schemas are named AnalysisOut there). */

type Json<R> = R extends { content: { "application/json": infer B } } ? B : never;

/** As openapi-fetch hands it over. */
export type Analysis = Awaited<ReturnType<typeof fetchAnalysis>>;
export type AnalysisRequest = Json<NonNullable<paths["/api/analysis/fundamental"]["post"]["requestBody"]>>;
export type AnalysisList = Awaited<ReturnType<typeof fetchAnalyses>>;
export type Source = NonNullable<AnalysisRequest["sources"]>[number];
export type Provenance = Analysis["sources"][string];
export type Conflict = Analysis["conflicts"][number];
export type Missing = Analysis["unavailable"][number];
export type OnChain = NonNullable<Analysis["onChainMetrics"]>;
export type Whale = OnChain["whales"][number];
export type Sentiment = NonNullable<Analysis["sentiment"]>;
export type Post = Sentiment["posts"][number];
export type Component = Analysis["components"][number];

export const SOURCES: { value: Source; label: string; covers: string }[] = [
  { value: "COINGECKO", label: "CoinGecko", covers: "market data" },
  { value: "COINMARKETCAP", label: "CoinMarketCap", covers: "market data, compared" },
  { value: "ETHERSCAN", label: "Etherscan", covers: "Ethereum transfers, gas" },
  { value: "ESPLORA", label: "Esplora", covers: "Bitcoin transfers" },
  { value: "DEFILLAMA", label: "DeFiLlama", covers: "TVL" },
];
export const TIMEFRAMES = ["7d", "30d", "90d", "365d"] as const;

/** How often a PENDING analysis is asked for again when its ANALYSIS_COMPLETE has not arrived. */
export const POLL_MS = 1500;

export const keys = {
  list: ["research", "asset-analyses"] as const,
  one: (id: string) => ["research", "asset-analysis", id] as const,
};

export const fetchAnalysis = (analysisId: string) =>
  unwrap(api.GET("/api/analysis/{analysisId}", { params: { path: { analysisId } } }));

/** POST /api/analysis/fundamental: the analysis, COMPLETE (200) or PENDING with its jobId (202). */
export const runAnalysis = (body: AnalysisRequest) => unwrap(api.POST("/api/analysis/fundamental", { body }));

export const fetchAnalyses = (limit = 20) => unwrap(api.GET("/api/analysis", { params: { query: { limit } } }));

export function useRunAnalysis(onDone: (analysis: Analysis) => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: runAnalysis,
    // The form shows every error: by its field (INVALID_SYMBOL, a 422), or as its banner; no toast on top.
    onError: () => undefined,
    onSuccess: (analysis) => {
      queryClient.setQueryData(keys.one(analysis.analysisId), analysis);
      void queryClient.invalidateQueries({ queryKey: keys.list });
      onDone(analysis);
    },
  });
}

/** One analysis; asked again every POLL_MS while PENDING, and at once when its ANALYSIS_COMPLETE arrives. */
export function useAnalysis(analysisId: string | null) {
  const queryClient = useQueryClient();
  useEffect(() => {
    if (!analysisId) return;
    return onUserEvent((event) => {
      if (event.type !== "ANALYSIS_COMPLETE" || event.analysisId !== analysisId) return;
      void queryClient.invalidateQueries({ queryKey: keys.one(analysisId) });
      void queryClient.invalidateQueries({ queryKey: keys.list });
    });
  }, [analysisId, queryClient]);
  return useQuery({
    queryKey: keys.one(analysisId ?? ""),
    queryFn: () => fetchAnalysis(analysisId ?? ""),
    enabled: Boolean(analysisId),
    // A stored analysis never changes once COMPLETE or FAILED: the one the POST returned is not asked for again.
    staleTime: (query) => (query.state.data?.status === "PENDING" ? 0 : Infinity),
    refetchInterval: (query) => (query.state.data?.status === "PENDING" ? POLL_MS : false),
  });
}

export function useAnalyses() {
  return useQuery({ queryKey: keys.list, queryFn: () => fetchAnalyses() });
}
