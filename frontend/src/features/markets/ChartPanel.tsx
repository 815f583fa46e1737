import { useMemo, useState } from "react";
import { useCustomIndicators, useIndicatorCatalog } from "@/api/indicators";
import type { PatternScan } from "@/api/patterns";
import { CandleChart, type VisibleRange } from "@/components/charts/CandleChart";
import { QueryView } from "@/components/QueryView";
import { Card, EmptyState, Skeleton } from "@/components/ui";
import { formatPrice, formatTime } from "@/lib/format";
import type { Interval } from "@/lib/intervals";
import { useLive } from "@/realtime/socket";
import { IntervalTabs } from "./IntervalTabs";
import { OverlayPicker } from "./OverlayPicker";
import { PatternList } from "./PatternList";
import { PatternToggles } from "./PatternToggles";
import { buildDecorations, isPatternGroup, patternsAt, type PatternGroup } from "./patterns";
import { toEpoch, useCandles } from "./useCandles";
import { useOverlayLines } from "./useOverlayLines";
import { usePatternScan } from "./usePatternScan";

const NO_PATTERNS: PatternGroup[] = [];

/** The selected symbol's candles with volume, overlays and the patterns found in them, moving with live prices. */
export function ChartPanel({
  symbol,
  interval,
  overlays,
  patterns = NO_PATTERNS,
  onInterval,
  onOverlays,
  onPatterns,
}: {
  symbol: string;
  interval: Interval;
  overlays: string[];
  patterns?: readonly string[];
  onInterval: (interval: Interval) => void;
  onOverlays: (refs: string[]) => void;
  onPatterns?: (groups: PatternGroup[]) => void;
}) {
  const candles = useCandles(symbol, interval);
  const groups = useMemo(() => patterns.filter(isPatternGroup), [patterns]); // stored in the browser: checked
  const scan = usePatternScan(symbol, interval, candles.data, groups);
  const decorations = useMemo(
    () => (groups.length ? buildDecorations(scan.data, groups, candles.data?.candles ?? []) : undefined),
    [scan.data, groups, candles.data],
  );
  const [range, setRange] = useState<VisibleRange | null>(null);
  const [hover, setHover] = useState<number | null>(null);
  const markersOn = groups.includes("candles") || groups.includes("chart");
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
        {onPatterns ? (
          <PatternToggles
            selected={groups}
            counts={{
              candles: scan.data?.candles.length,
              chart: scan.data?.chart.length,
              levels: scan.data?.levels.length,
              trendlines: scan.data?.trendLines.length,
            }}
            busy={scan.isFetching}
            onChange={onPatterns}
          />
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
          {(page) => (
            <CandleChart
              label={`${symbol} ${interval} candles`}
              candles={page.candles}
              lines={lines}
              live={live}
              decorations={decorations}
              onVisibleRange={setRange}
              onHover={markersOn ? setHover : undefined}
            />
          )}
        </QueryView>
        {markersOn && scan.data ? <HoverLine scan={scan.data} groups={groups} time={hover} /> : null}
        {candles.data?.resampledFrom ? (
          <p className="muted chart-note">Built from {candles.data.resampledFrom} candles.</p>
        ) : null}
        <PatternList scan={scan} groups={groups} range={range} />
      </div>
    </Card>
  );
}

/** The patterns of the bar under the pointer: the markers' texts show only when zoomed in. */
function HoverLine({ scan, groups, time }: { scan: PatternScan; groups: readonly PatternGroup[]; time: number | null }) {
  const found = time === null ? [] : patternsAt(scan, groups, time);
  return (
    <p className="muted pattern-hover" data-testid="pattern-hover">
      {time === null ? (
        "Point at a bar to read its patterns; zoom in to label them on the chart."
      ) : (
        <>
          <span className="pattern-hover-time">{formatTime(new Date(time * 1000).toISOString())}</span>
          {found.length ? found.join(" · ") : "no pattern on this bar"}
        </>
      )}
    </p>
  );
}
