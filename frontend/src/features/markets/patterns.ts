import type { ChartDetection, Direction, PatternScan, PricePoint } from "@/api/patterns";
import type { Candle, ChartMarker, Decorations, PriceLevel, Segment } from "@/components/charts/CandleChart";
import { DOWN, UP } from "@/components/charts/theme";
import { formatNumber, formatPercent, formatPrice } from "@/lib/format";
import { toEpoch } from "./useCandles";

/** The pattern groups the chart can show, as GET /api/patterns/{symbol} names them in `kinds`. */
export const PATTERN_GROUPS = ["candles", "chart", "levels", "trendlines"] as const;
export type PatternGroup = (typeof PATTERN_GROUPS)[number];

export const GROUP_LABELS: Record<PatternGroup, string> = {
  candles: "Candlestick patterns",
  chart: "Chart patterns",
  levels: "Support and resistance",
  trendlines: "Trend lines",
};

export const isPatternGroup = (value: unknown): value is PatternGroup =>
  typeof value === "string" && (PATTERN_GROUPS as readonly string[]).includes(value);

/** The `kinds` query of the groups turned on, in a fixed order (one cache entry per set); "" for none. */
export const kindsOf = (groups: readonly string[]) => PATTERN_GROUPS.filter((g) => groups.includes(g)).join(",");

const NEUTRAL = "#d97706";
const CHART_PATTERN = "#8b5cf6";
const TREND = "#0891b2";
/** At most this many levels are drawn (the strongest): more would hide the candles under lines. */
export const MAX_LEVELS = 8;
const MAX_MARKER_TEXT = 16;

export const directionColor = (direction: string) => (direction === "bullish" ? UP : direction === "bearish" ? DOWN : NEUTRAL);

/** A marker's text: the title when short, else its first words ("Three Advancing…"): a long one covers its neighbours. */
export function shortTitle(title: string): string {
  if (title.length <= MAX_MARKER_TEXT) return title;
  let text = "";
  for (const word of title.split(" ")) {
    if ((text ? text.length + 1 : 0) + word.length > MAX_MARKER_TEXT - 1) break;
    text = text ? `${text} ${word}` : word;
  }
  return `${text || title.slice(0, MAX_MARKER_TEXT - 1)}…`;
}

/** Short labels for a chart pattern's key points (the API's are snake_case words). */
const POINT_LABELS: Record<string, string> = {
  first_top: "T1",
  second_top: "T2",
  first_bottom: "B1",
  second_bottom: "B2",
  neckline: "N",
  neckline_left: "N",
  neckline_right: "N",
  left_shoulder: "LS",
  head: "H",
  right_shoulder: "RS",
  breakout: "Breakout",
  pole_start: "Pole",
  pole_end: "",
  upper_touch: "",
  lower_touch: "",
};

export function pointLabel(label: string): string {
  if (label in POINT_LABELS) return POINT_LABELS[label]!;
  return label
    .split(/[_\s]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase())
    .join("");
}

/** The bar time nearest to `time` within the candles (sorted), so that a line adds no time of its own to the axis. */
function snap(times: readonly number[], time: number): number | null {
  if (!times.length) return null;
  let lo = 0;
  let hi = times.length - 1;
  if (time <= times[lo]!) return times[lo]!;
  if (time >= times[hi]!) return times[hi]!;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (times[mid]! <= time) lo = mid;
    else hi = mid;
  }
  return time - times[lo]! <= times[hi]! - time ? times[lo]! : times[hi]!;
}

/** A line between two points, cut to the bars on the chart (its price follows the line); null when nothing is left. */
export function segmentOf(
  times: readonly number[],
  from: PricePoint,
  to: PricePoint,
  style: Omit<Segment, "from" | "to">,
): Segment | null {
  const t1 = toEpoch(from.time);
  const t2 = toEpoch(to.time);
  if (!Number.isFinite(t1) || !Number.isFinite(t2) || t1 === t2) return null;
  const [a, b] = t1 < t2 ? [{ t: t1, p: from.price }, { t: t2, p: to.price }] : [{ t: t2, p: to.price }, { t: t1, p: from.price }];
  const start = snap(times, a.t);
  const end = snap(times, b.t);
  if (start === null || end === null || start >= end) return null;
  const at = (t: number) => a.p + ((b.p - a.p) * (t - a.t)) / (b.t - a.t);
  return { ...style, from: { time: start, value: at(start) }, to: { time: end, value: at(end) } };
}

/** Above the bar for a swing high, below for a low: which half of its bar the point is in. */
function pointPosition(candle: Candle | undefined, price: number): "atPriceTop" | "atPriceBottom" {
  if (!candle) return "atPriceTop";
  return price >= (candle.high + candle.low) / 2 ? "atPriceTop" : "atPriceBottom";
}

function candleMarkers(scan: PatternScan, times: Set<number>): ChartMarker[] {
  // One marker per bar and direction: several patterns on one bar say so ("Engulfing +2").
  const byBar = new Map<string, { time: number; direction: Direction; titles: string[] }>();
  for (const d of scan.candles) {
    const time = toEpoch(d.time);
    if (!times.has(time)) continue;
    const key = `${time}:${d.direction}`;
    const entry = byBar.get(key) ?? { time, direction: d.direction, titles: [] };
    entry.titles.push(d.title);
    byBar.set(key, entry);
  }
  // Neutral ones (dojis, spinning tops: most bars have one) only when zoomed in, small, above the bar.
  return [...byBar.values()].map(({ time, direction, titles }) => ({
    time,
    position: direction === "bullish" ? "belowBar" : "aboveBar",
    shape: direction === "bullish" ? "arrowUp" : direction === "bearish" ? "arrowDown" : "circle",
    color: directionColor(direction),
    text: shortTitle(titles[0]!) + (titles.length > 1 ? ` +${titles.length - 1}` : ""),
    size: direction === "neutral" ? 0.5 : 0.8, // zoomed in, markers grow with the bars: full size would hide them
    ...(direction === "neutral" ? { detail: true } : {}),
  }));
}

function chartPatternDrawing(d: ChartDetection, times: readonly number[], byTime: Map<number, Candle>) {
  const segments = d.lines
    .map((line) => segmentOf(times, line.from, line.to, { color: CHART_PATTERN, width: 2, style: line.label.includes("neck") ? "dashed" : "solid" }))
    .filter((s): s is Segment => s !== null);
  const markers: ChartMarker[] = [];
  const [first, last] = [times[0], times.at(-1)];
  for (const point of d.points) {
    const at = toEpoch(point.time);
    // A point before the first bar (the pattern began earlier) is left out, not pinned to the chart's edge.
    if (first === undefined || last === undefined || at < first || at > last) continue;
    const time = snap(times, at);
    const text = pointLabel(point.label);
    if (time === null || (!text && point.label !== "breakout")) continue;
    const breakout = point.label === "breakout";
    markers.push({
      time,
      position: pointPosition(byTime.get(time), point.price),
      price: point.price,
      shape: breakout ? (d.direction === "bearish" ? "arrowDown" : "arrowUp") : "circle",
      color: breakout ? directionColor(d.direction) : CHART_PATTERN,
      text: breakout ? d.title : text, // a few per chart: the whole title
      size: breakout ? 1 : 0.5,
      textAt: breakout ? ("detail" as const) : ("any" as const), // titles overlap on a wide view; B1, N… do not
    });
  }
  return { segments, markers };
}

/** What the chart draws for a scan: markers for candlestick patterns and chart patterns' key points, chart
 * patterns' lines and trend lines as segments, support and resistance as price lines. Only the groups on. */
export function buildDecorations(scan: PatternScan | undefined, groups: readonly PatternGroup[], candles: readonly Candle[]): Decorations {
  const decorations: Decorations = { markers: [], segments: [], levels: [] };
  if (!scan) return decorations;
  const times = candles.map((c) => c.time);
  const byTime = new Map(candles.map((c) => [c.time, c]));
  if (groups.includes("candles")) decorations.markers.push(...candleMarkers(scan, new Set(times)));
  if (groups.includes("chart")) {
    for (const d of scan.chart) {
      const { segments, markers } = chartPatternDrawing(d, times, byTime);
      decorations.segments.push(...segments);
      decorations.markers.push(...markers);
    }
  }
  if (groups.includes("trendlines")) {
    for (const line of scan.trendLines) {
      const main = segmentOf(times, line.from, line.to, { color: TREND, width: 2, style: "solid" });
      if (main) decorations.segments.push(main);
      const channel = line.channel ? segmentOf(times, line.channel.from, line.channel.to, { color: TREND, width: 1, style: "dotted" }) : null;
      if (channel) decorations.segments.push(channel);
    }
  }
  if (groups.includes("levels")) {
    const strongest = [...scan.levels].sort((a, b) => b.strength - a.strength).slice(0, MAX_LEVELS);
    decorations.levels.push(
      ...strongest.map(
        (l): PriceLevel => ({
          price: l.price,
          color: l.kind === "support" ? UP : DOWN,
          title: `${l.kind === "support" ? "S" : "R"} ×${l.touches}`,
        }),
      ),
    );
  }
  decorations.markers.sort((a, b) => a.time - b.time);
  return decorations;
}

/** One line of the list under the chart. */
export interface DetectionRow {
  key: string;
  group: PatternGroup;
  /** When it happened (a chart pattern's breakout bar, a level's last touch), ISO. */
  time: string;
  name: string;
  direction: string;
  details: string;
}

/** "Support trend line" (the API's kinds are support and resistance). */
const trendName = (kind: string) => {
  const words = kind.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1) + (words.includes("line") ? "" : " trend line");
};

/** The detections of the groups on, newest first, as table rows. */
export function detectionRows(scan: PatternScan | undefined, groups: readonly PatternGroup[]): DetectionRow[] {
  if (!scan) return [];
  const rows: DetectionRow[] = [];
  if (groups.includes("candles")) {
    scan.candles.forEach((d, i) =>
      rows.push({ key: `c${i}`, group: "candles", time: d.time, name: d.title, direction: d.direction, details: `at ${formatPrice(d.price)}` }),
    );
  }
  if (groups.includes("chart")) {
    scan.chart.forEach((d, i) => {
      const parts = [`confidence ${formatPercent(d.confidence, 0).replace("+", "")}`, `breakout ${formatPrice(d.breakoutLevel)}`];
      if (d.target !== null && Number.isFinite(d.target)) parts.push(`target ${formatPrice(d.target)}`);
      rows.push({ key: `p${i}`, group: "chart", time: d.end, name: d.title, direction: d.direction, details: parts.join(" · ") });
    });
  }
  if (groups.includes("levels")) {
    scan.levels.forEach((l, i) =>
      rows.push({
        key: `l${i}`,
        group: "levels",
        time: l.lastTouch,
        name: `${l.kind === "support" ? "Support" : "Resistance"} ${formatPrice(l.price)}`,
        direction: l.kind,
        details: `${l.touches} touches · strength ${formatNumber(l.strength, 2)}`,
      }),
    );
  }
  if (groups.includes("trendlines")) {
    scan.trendLines.forEach((t, i) =>
      rows.push({
        key: `t${i}`,
        group: "trendlines",
        time: t.to.time,
        name: trendName(t.kind),
        direction: t.kind,
        details: `${t.touches} touches · ${formatPrice(t.from.price)} → ${formatPrice(t.to.price)}${t.channel ? " · channel" : ""}`,
      }),
    );
  }
  return rows.sort((a, b) => Date.parse(b.time) - Date.parse(a.time));
}

/** What was found on one bar (epoch seconds): its candlestick patterns and the chart patterns completed on it. */
export function patternsAt(scan: PatternScan | undefined, groups: readonly PatternGroup[], time: number): string[] {
  if (!scan) return [];
  const found: string[] = [];
  if (groups.includes("candles")) {
    for (const d of scan.candles) if (toEpoch(d.time) === time) found.push(`${d.title} (${d.direction})`);
  }
  if (groups.includes("chart")) {
    for (const d of scan.chart) if (toEpoch(d.end) === time) found.push(`${d.title} breakout (${d.direction})`);
  }
  return found;
}

/** Whether a row is in the chart's visible time range (epoch seconds); levels and trend lines span the chart. */
export function inView(row: DetectionRow, range: { from: number; to: number } | null): boolean {
  if (!range || row.group === "levels" || row.group === "trendlines") return true;
  const t = toEpoch(row.time);
  return t >= range.from && t <= range.to;
}
