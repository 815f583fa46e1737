import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import type { Candle } from "@/components/charts/CandleChart";
import type { Interval } from "@/lib/intervals";

/** Bars shown on the chart: the last page of this many, whatever the interval. */
export const CHART_BARS = 500;

export interface CandlePage {
  candles: Candle[];
  /** The range the page covers, to evaluate indicators on the same bars. */
  from: string | null;
  to: string;
  resampledFrom: string | null;
}

export const toEpoch = (iso: string) => Math.floor(Date.parse(iso) / 1000);

/** The latest CHART_BARS candles of a symbol (GET /api/data/historical), oldest first, times in epoch seconds. */
export function useCandles(symbol: string, interval: Interval) {
  return useQuery({
    queryKey: ["historical", symbol, interval],
    queryFn: async (): Promise<CandlePage> => {
      const page = await unwrap(
        api.GET("/api/data/historical", { params: { query: { symbol, interval, limit: CHART_BARS } } }),
      );
      const candles = page.data.map((bar) => ({
        time: toEpoch(bar.timestamp),
        open: bar.open,
        high: bar.high,
        low: bar.low,
        close: bar.close,
        volume: bar.volume,
      }));
      return { candles, from: page.data[0]?.timestamp ?? null, to: page.to, resampledFrom: page.resampledFrom };
    },
    staleTime: 60_000,
  });
}
