import { AreaSeries, createChart, LineSeries, type UTCTimestamp } from "lightweight-charts";
import { useEffect, useMemo, useRef } from "react";
import { useUi } from "@/stores/ui";
import { describeSeries } from "./describe";
import { chartOptions, DOWN, PALETTE } from "./theme";

export interface Series {
  name: string;
  points: { time: number; value: number }[];
  area?: boolean; // drawn as a red area (drawdowns)
}

/** Time series as lines (equity curves, metrics over time) or areas; a figure captioned by a summary of them. */
export function LineChart({
  label,
  series,
  height = 260,
  testId = "line-chart",
}: {
  label: string; // what is charted, e.g. "Equity of run 3"
  series: Series[];
  height?: number;
  testId?: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const summary = useMemo(() => describeSeries(label, series), [label, series]);
  const theme = useUi((s) => s.theme);
  useEffect(() => {
    if (!box.current) return;
    const api = createChart(box.current, chartOptions());
    series.forEach((s, i) => {
      const data = s.points.map((p) => ({ time: p.time as UTCTimestamp, value: p.value }));
      if (s.area) {
        api.addSeries(AreaSeries, { lineColor: DOWN, topColor: DOWN + "10", bottomColor: DOWN + "55", title: s.name }).setData(data);
      } else {
        api.addSeries(LineSeries, { color: PALETTE[i % PALETTE.length], lineWidth: 2, title: s.name }).setData(data);
      }
    });
    api.timeScale().fitContent();
    return () => api.remove();
  }, [series, theme]);
  // A figure named by its caption, not role="img": the chart holds a focusable link (the library's attribution).
  return (
    <figure className="chart-figure">
      <div ref={box} className="chart" style={{ height }} data-testid={testId} />
      <figcaption className="sr-only">{summary}</figcaption>
    </figure>
  );
}
