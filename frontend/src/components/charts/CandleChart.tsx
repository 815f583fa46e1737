import {
  CandlestickSeries,
  createChart,
  HistogramSeries,
  LineSeries,
  type IChartApi,
  type ISeriesApi,
  type UTCTimestamp,
} from "lightweight-charts";
import { useEffect, useMemo, useRef } from "react";
import { useUi } from "@/stores/ui";
import { describeCandles } from "./describe";
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

/** Candles with volume, overlay lines and lower-pane lines; `live` moves the last bar as prices arrive.
 * For assistive technology a figure whose caption summarises what it shows (`label` first). */
export function CandleChart({
  label,
  candles,
  lines = NO_LINES,
  live,
  height = 420,
  testId = "candle-chart",
}: {
  label: string; // what is charted, e.g. "BTC-USD 1h candles"
  candles: Candle[];
  lines?: Line[];
  live?: { time: number; price: number } | null;
  height?: number;
  testId?: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<IChartApi | null>(null);
  const candleSeries = useRef<ISeriesApi<"Candlestick"> | null>(null);
  const last = useRef<Candle | null>(null);
  const theme = useUi((s) => s.theme);
  const summary = useMemo(() => describeCandles(label, candles, lines), [label, candles, lines]);

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
    return () => {
      api.remove();
      chart.current = null;
      candleSeries.current = null;
    };
    // Rebuilt when the data or the theme changes; live prices only move the last bar (below).
  }, [candles, lines, theme]);

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
      <div ref={box} className="chart" style={{ height }} data-testid={testId} />
      <figcaption className="sr-only">{summary}</figcaption>
    </figure>
  );
}
