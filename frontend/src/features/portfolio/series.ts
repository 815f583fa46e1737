/** The dashboard's chart series from the analysis: dates as epoch seconds, BTC-USD rebased, drawdowns. */
import type { Series } from "@/components/charts/LineChart";
import type { ValuePoint } from "./types";

export const dayEpoch = (day: string) => Math.floor(Date.parse(`${day.slice(0, 10)}T00:00:00Z`) / 1000);

export function valueSeries(history: readonly ValuePoint[]): Series {
  return { name: "Portfolio", points: history.map((p) => ({ time: dayEpoch(p.date), value: p.value })) };
}

/**
 * BTC-USD's closes over the same days, scaled so that it starts at the portfolio's value on the first day both
 * have (and the portfolio is worth something): "what the money would be had it been in BTC-USD". Null when
 * there is no such day.
 */
export function rebased(history: readonly ValuePoint[], closes: readonly { timestamp: string; close: number }[], name = "BTC-USD (rebased)"): Series | null {
  const byDay = new Map(closes.map((c) => [c.timestamp.slice(0, 10), c.close]));
  const start = history.find((p) => p.value > 0 && (byDay.get(p.date.slice(0, 10)) ?? 0) > 0);
  if (!start) return null;
  const base = byDay.get(start.date.slice(0, 10))!;
  const points = history
    .filter((p) => p.date >= start.date && byDay.has(p.date.slice(0, 10)))
    .map((p) => ({ time: dayEpoch(p.date), value: (byDay.get(p.date.slice(0, 10))! / base) * start.value }));
  return points.length > 1 ? { name, points } : null;
}

/** Percent below the running peak at each close: (V / peak - 1) x 100 (0 at a new high). */
export function drawdownSeries(values: readonly ValuePoint[]): Series {
  let peak = 0;
  const points = values.map((p) => {
    peak = Math.max(peak, p.value);
    return { time: dayEpoch(p.date), value: peak > 0 ? (p.value / peak - 1) * 100 : 0 };
  });
  return { name: "Drawdown (%)", points, area: true };
}
