import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "./client";

/** Which of these symbols have a latest price (GET /api/market/prices): those a running source feeds. */
export function usePricedSymbols(symbols: string[]) {
  const list = symbols.slice(0, 100).join(",");
  return useQuery({
    queryKey: ["market", "prices", list],
    queryFn: async () => {
      const prices = await unwrap(api.GET("/api/market/prices", { params: { query: { symbols: list } } }));
      return new Set(prices.filter((p) => p.price !== null && p.price !== undefined).map((p) => p.symbol));
    },
    enabled: list.length > 0,
    staleTime: 60_000,
  });
}
