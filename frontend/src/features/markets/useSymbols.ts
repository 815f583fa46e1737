import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import type { components } from "@/api/schema";

export type Asset = components["schemas"]["AssetOut"];

/** The symbol registry (GET /api/market/symbols): built-ins in a fixed order, then the added ones. */
export function useSymbols() {
  return useQuery({
    queryKey: ["market", "symbols"],
    queryFn: () => unwrap<Asset[]>(api.GET("/api/market/symbols")),
    staleTime: 5 * 60_000,
  });
}
