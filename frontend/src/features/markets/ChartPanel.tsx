import { useMemo } from "react";
import { useCustomIndicators, useIndicatorCatalog } from "@/api/indicators";
import { CandleChart } from "@/components/charts/CandleChart";
import { QueryView } from "@/components/QueryView";
import { Card, EmptyState, Skeleton } from "@/components/ui";
import { formatPrice } from "@/lib/format";
import type { Interval } from "@/lib/intervals";
import { useLive } from "@/realtime/socket";
import { IntervalTabs } from "./IntervalTabs";
import { OverlayPicker } from "./OverlayPicker";
import { toEpoch, useCandles } from "./useCandles";
import { useOverlayLines } from "./useOverlayLines";

/** The selected symbol's candles with volume and overlays, moving with live prices. */
export function ChartPanel({
  symbol,
  interval,
  overlays,
  onInterval,
  onOverlays,
}: {
  symbol: string;
  interval: Interval;
  overlays: string[];
  onInterval: (interval: Interval) => void;
  onOverlays: (refs: string[]) => void;
}) {
  const candles = useCandles(symbol, interval);
  const catalog = useIndicatorCatalog();
  const customs = useCustomIndicators({ staleTime: 60_000 });
  const { lines, states } = useOverlayLines(overlays, candles.data, symbol, interval, catalog.data?.indicators, customs.data);
  const quote = useLive((s) => s.quotes[symbol]);
  const live = useMemo(
    () => (quote ? { time: toEpoch(quote.timestamp), price: quote.price } : null),
    [quote],
  );

  return (
    <Card
      title={`${symbol} · ${interval}${quote ? ` · ${formatPrice(quote.price)}` : ""}`}
      actions={<IntervalTabs value={interval} onChange={onInterval} />}
    >
      <div className="stack">
        {catalog.data ? (
          <OverlayPicker catalog={catalog.data.indicators} customs={customs.data ?? []} selected={overlays} states={states} onChange={onOverlays} />
        ) : catalog.isError ? (
          <p className="form-error">Indicators unavailable: {catalog.error.message}</p>
        ) : null}
        <QueryView
          query={candles}
          loading={<Skeleton lines={10} height={28} />}
          error={(error) => <EmptyState title={`Could not load ${symbol} candles`}>{error.message}</EmptyState>}
          isEmpty={(page) => page.candles.length === 0}
          empty={
            <EmptyState title={`No candles stored yet for ${symbol} at ${interval}`}>
              The replay or a backfill fills them.
            </EmptyState>
          }
        >
          {(page) => <CandleChart label={`${symbol} ${interval} candles`} candles={page.candles} lines={lines} live={live} />}
        </QueryView>
        {candles.data?.resampledFrom ? (
          <p className="muted chart-note">Built from {candles.data.resampledFrom} candles.</p>
        ) : null}
      </div>
    </Card>
  );
}
