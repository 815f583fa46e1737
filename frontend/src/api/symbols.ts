import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "./client";
import type { components } from "./schema";

export type Asset = components["schemas"]["AssetOut"];

export const symbolsKey = ["market", "symbols"] as const;

export const fetchSymbols = () => unwrap(api.GET("/api/market/symbols"));

/** The symbol registry (GET /api/market/symbols): built-ins in a fixed order, then the added ones. */
export function useSymbols({ staleTime = 5 * 60_000 }: { staleTime?: number } = {}) {
  return useQuery({ queryKey: symbolsKey, queryFn: fetchSymbols, staleTime });
}
