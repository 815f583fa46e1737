import { useQuery } from "@tanstack/react-query";
import { fetchPatternScan, patternKeys, type PatternScan, type ScanParams } from "@/api/patterns";
import type { Interval } from "@/lib/intervals";
import { useAuth } from "@/stores/auth";
import { kindsOf, type PatternGroup } from "./patterns";
import type { CandlePage } from "./useCandles";

/** The patterns of the groups turned on over the chart's bars (GET /api/patterns/{symbol}); off with none on.
 * Turning a group on or off keeps the last scan of this symbol and interval on screen until the new one comes. */
export function usePatternScan(symbol: string, interval: Interval, page: CandlePage | undefined, groups: readonly PatternGroup[]) {
  const userId = useAuth((s) => s.user?.id);
  const kinds = kindsOf(groups);
  const params: ScanParams = { interval, from: page?.from ?? undefined, to: page?.to, kinds };
  return useQuery({
    queryKey: patternKeys.scan(symbol, params),
    queryFn: () => fetchPatternScan(symbol, params),
    enabled: Boolean(page?.from && kinds && userId !== undefined),
    staleTime: 60_000,
    retry: false,
    placeholderData: (previous: PatternScan | undefined) =>
      previous && previous.symbol === symbol && previous.interval === interval ? previous : undefined,
  });
}
