import {
  CandlestickSeries,
  createChart,
  createSeriesMarkers,
  HistogramSeries,
  LineSeries,
  LineStyle,
  type IChartApi,
  type ISeriesApi,
  type MouseEventParams,
  type UTCTimestamp,
} from "lightweight-charts";
import { useEffect, useEffectEvent, useMemo, useRef } from "react";
import { useUi } from "@/stores/ui";
import { describeCandles } from "./describe";
import { markersAtZoom, zoomLevel } from "./markers";
import { chartOptions, DOWN, PALETTE, UP } from "./theme";

export interface Candle {
  time: number; // open time, epoch seconds UTC
  open: number;
  high: number;
  low: number;
  close: number;
  volume?: number;
}

const NO_LINES: Line[] = []; // one instance: a default `[]` per render would rebuild the chart each time

export interface Line {
  name: string;
  points: { time: number; value: number | null }[];
  pane?: "price" | "lower"; // overlays on the price, or in a pane under it (oscillators, formulas)
}

/** A marker on a bar (a candlestick pattern) or at a price on it (a chart pattern's point). */
export interface ChartMarker {
  time: number;
  position: "aboveBar" | "belowBar" | "inBar" | "atPriceTop" | "atPriceBottom" | "atPriceMiddle";
  shape: "arrowUp" | "arrowDown" | "circle" | "square";
  color: string;
  text?: string;
  price?: number; // for the atPrice positions
  size?: number;
  /** Drawn only when zoomed in (minor marks that would crowd a wide view): see ./markers. */
  detail?: boolean;
  /** From which zoom its text shows (see ./markers): "any" (short key labels), "detail" (a few titles), or (the
   * default) only when zoomed in enough for texts not to overlap. */
  textAt?: "any" | "detail";
}

/** A straight line between two bars on the price pane (a chart pattern's neckline, a trend line). */
export interface Segment {
  from: { time: number; value: number };
  to: { time: number; value: number };
  color: string;
  width?: 1 | 2 | 3;
  style?: "solid" | "dashed" | "dotted";
}

/** A horizontal line across the chart at a price, titled (a support or resistance level). */
export interface PriceLevel {
  price: number;
  color: string;
  title: string;
}

/** What is drawn over the candles; changing it does not rebuild the chart (the zoom stays). */
export interface Decorations {
  markers: ChartMarker[];
  segments: Segment[];
  levels: PriceLevel[];
}

/** The times (epoch seconds) of the first and last bars in view. */
export interface VisibleRange {
  from: number;
  to: number;
}

const STYLES = { solid: LineStyle.Solid, dashed: LineStyle.Dashed, dotted: LineStyle.Dotted } as const;

/** Candles with volume, overlay lines and lower-pane lines; `live` moves the last bar as prices arrive;
 * `decorations` (markers, segments, price lines) over the candles. `onVisibleRange` hears where the user scrolled.
 * For assistive technology a figure whose caption summarises what it shows (`label` first). */
export function CandleChart({
  label,
  candles,
  lines = NO_LINES,
  live,
  height = 420,
  testId = "candle-chart",
  decorations,
  onVisibleRange,
  onHover,
}: {
  label: string; // what is charted, e.g. "BTC-USD 1h candles"
  candles: Candle[];
  lines?: Line[];
  live?: { time: number; price: number } | null;
  height?: number;
  testId?: string;
  decorations?: Decorations | undefined;
  onVisibleRange?: ((range: VisibleRange | null) => void) | undefined;
  /** The bar under the pointer (its time, epoch seconds), null when the pointer leaves. */
  onHover?: ((time: number | null) => void) | undefined;
}) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<IChartApi | null>(null);
  const candleSeries = useRef<ISeriesApi<"Candlestick"> | null>(null);
  const last = useRef<Candle | null>(null);
  const theme = useUi((s) => s.theme);
  const summary = useMemo(() => describeCandles(label, candles, lines), [label, candles, lines]);
  const rangeChanged = useEffectEvent((range: VisibleRange | null) => onVisibleRange?.(range));
  const hovered = useEffectEvent((time: number | null) => onHover?.(time));

  useEffect(() => {
    if (!box.current) return;
    const api = createChart(box.current, chartOptions());
    chart.current = api;
    const candlesticks = api.addSeries(CandlestickSeries, {
      upColor: UP,
      downColor: DOWN,
      borderVisible: false,
      wickUpColor: UP,
      wickDownColor: DOWN,
    });
    candleSeries.current = candlesticks;
    candlesticks.setData(
      candles.map((c) => ({ time: c.time as UTCTimestamp, open: c.open, high: c.high, low: c.low, close: c.close })),
    );
    last.current = candles.at(-1) ?? null;
    if (candles.some((c) => c.volume !== undefined)) {
      const volume = api.addSeries(HistogramSeries, { priceFormat: { type: "volume" }, priceScaleId: "volume" });
      api.priceScale("volume").applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });
      volume.setData(
        candles.map((c) => ({
          time: c.time as UTCTimestamp,
          value: c.volume ?? 0,
          color: c.close >= c.open ? UP + "66" : DOWN + "66",
        })),
      );
    }
    let lowerPanes = 0; // each lower line gets a pane of its own: RSI (0-100) and MACD do not share a scale
    lines.forEach((line, i) => {
      const pane = line.pane === "lower" ? ++lowerPanes : 0;
      const series = api.addSeries(LineSeries, { color: PALETTE[i % PALETTE.length], lineWidth: 2, title: line.name }, pane);
      series.setData(
        line.points.map((p) =>
          p.value === null || !Number.isFinite(p.value)
            ? { time: p.time as UTCTimestamp }
            : { time: p.time as UTCTimestamp, value: p.value },
        ),
      );
    });
    api.timeScale().fitContent();
    const reportRange = () => {
      const range = api.timeScale().getVisibleRange();
      rangeChanged(range ? { from: range.from as number, to: range.to as number } : null);
    };
    api.timeScale().subscribeVisibleTimeRangeChange(reportRange);
    const reportHover = (param: MouseEventParams) => hovered(typeof param.time === "number" ? param.time : null);
    api.subscribeCrosshairMove(reportHover);
    return () => {
      api.unsubscribeCrosshairMove(reportHover);
      api.timeScale().unsubscribeVisibleTimeRangeChange(reportRange);
      api.remove();
      chart.current = null;
      candleSeries.current = null;
    };
    // Rebuilt when the data or the theme changes; live prices only move the last bar (below).
  }, [candles, lines, theme]);

  // Drawn on the chart built above, and again whenever it is rebuilt (hence its inputs as dependencies).
  useEffect(() => {
    const api = chart.current;
    const series = candleSeries.current;
    if (!api || !series || !decorations) return;
    const markers = createSeriesMarkers(series, []);
    let drawn = "";
    const zoom = () => {
      const range = api.timeScale().getVisibleLogicalRange();
      const spacing = range ? api.timeScale().width() / Math.max(1, range.to - range.from) : 0;
      const level = zoomLevel(spacing);
      const key = JSON.stringify(level);
      if (key === drawn) return;
      drawn = key;
      markers.setMarkers(markersAtZoom(decorations.markers, level));
    };
    zoom();
    api.timeScale().subscribeVisibleLogicalRangeChange(zoom);
    const levels = decorations.levels.map((l) =>
      series.createPriceLine({ price: l.price, color: l.color, title: l.title, lineWidth: 1, lineStyle: LineStyle.LargeDashed, axisLabelVisible: true }),
    );
    const segments = decorations.segments.map((s) => {
      const line = api.addSeries(LineSeries, {
        color: s.color,
        lineWidth: s.width ?? 2,
        lineStyle: STYLES[s.style ?? "solid"],
        lastValueVisible: false,
        priceLineVisible: false,
        crosshairMarkerVisible: false,
      });
      line.setData([
        { time: s.from.time as UTCTimestamp, value: s.from.value },
        { time: s.to.time as UTCTimestamp, value: s.to.value },
      ]);
      return line;
    });
    return () => {
      if (chart.current !== api) return; // the chart was rebuilt: these went with it
      api.timeScale().unsubscribeVisibleLogicalRangeChange(zoom);
      markers.detach();
      levels.forEach((l) => series.removePriceLine(l));
      segments.forEach((s) => api.removeSeries(s));
    };
  }, [decorations, candles, lines, theme]);

  useEffect(() => {
    const bar = last.current;
    if (!live || !bar || !candleSeries.current) return;
    const step = candles.length > 1 ? candles[candles.length - 1]!.time - candles[candles.length - 2]!.time : 60;
    const time = live.time >= bar.time + step ? bar.time + step * Math.floor((live.time - bar.time) / step) : bar.time;
    const next =
      time === bar.time
        ? { ...bar, high: Math.max(bar.high, live.price), low: Math.min(bar.low, live.price), close: live.price }
        : { time, open: bar.close, high: live.price, low: live.price, close: live.price };
    last.current = next;
    candleSeries.current.update({ ...next, time: next.time as UTCTimestamp });
  }, [live, candles]);

  // A figure named by its caption, not role="img": the chart holds a focusable link (the library's attribution).
  return (
    <figure className="chart-figure">
      <div
        ref={box}
        className="chart"
        style={{ height }}
        data-testid={testId}
        // What is drawn over the candles, for end-to-end tests (the canvas cannot be read).
        data-markers={decorations?.markers.length}
        data-segments={decorations?.segments.length}
        data-levels={decorations?.levels.length}
      />
      <figcaption className="sr-only">{summary}</figcaption>
    </figure>
  );
}
