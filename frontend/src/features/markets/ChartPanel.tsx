import { useMemo } from "react";
import { CandleChart } from "@/components/charts/CandleChart";
import { Card, EmptyState, Skeleton } from "@/components/ui";
import { formatPrice } from "@/lib/format";
import { useLive } from "@/realtime/socket";
import { IntervalTabs } from "./IntervalTabs";
import type { Interval } from "./intervals";
import { OverlayPicker } from "./OverlayPicker";
import { toEpoch, useCandles } from "./useCandles";
import { useCustomIndicators, useIndicatorCatalog } from "./useIndicators";
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
  const customs = useCustomIndicators();
  const { lines, states } = useOverlayLines(overlays, candles.data, symbol, interval, catalog.data, customs.data);
  const quote = useLive((s) => s.quotes[symbol]);
  const live = useMemo(
    () => (quote ? { time: toEpoch(quote.timestamp), price: quote.price } : null),
    [quote],
  );

  let body;
  if (candles.isPending) body = <Skeleton lines={10} height={28} />;
  else if (candles.isError)
    body = <EmptyState title={`Could not load ${symbol} candles`}>{candles.error.message}</EmptyState>;
  else if (!candles.data.candles.length)
    body = (
      <EmptyState title={`No candles stored yet for ${symbol} at ${interval}`}>
        The replay or a backfill fills them.
      </EmptyState>
    );
  else body = <CandleChart candles={candles.data.candles} lines={lines} live={live} />;

  return (
    <Card
      title={`${symbol} · ${interval}${quote ? ` · ${formatPrice(quote.price)}` : ""}`}
      actions={<IntervalTabs value={interval} onChange={onInterval} />}
    >
      <div className="stack">
        {catalog.data ? (
          <OverlayPicker catalog={catalog.data} customs={customs.data ?? []} selected={overlays} states={states} onChange={onOverlays} />
        ) : catalog.isError ? (
          <p className="form-error">Indicators unavailable: {catalog.error.message}</p>
        ) : null}
        {body}
        {candles.data?.resampledFrom ? (
          <p className="muted chart-note">Built from {candles.data.resampledFrom} candles.</p>
        ) : null}
      </div>
    </Card>
  );
}
