import type { PatternScan } from "@/api/patterns";
import type { Candle } from "@/components/charts/CandleChart";
import { DOWN, UP } from "@/components/charts/theme";
import { buildDecorations, detectionRows, inView, kindsOf, MAX_LEVELS, patternsAt, pointLabel, segmentOf, shortTitle } from "./patterns";

const H = 3600;
const T0 = Date.parse("2026-11-24T00:00:00Z") / 1000;
const iso = (i: number) => new Date((T0 + i * H) * 1000).toISOString().replace(".000Z", "Z");
const candles: Candle[] = Array.from({ length: 10 }, (_, i) => ({ time: T0 + i * H, open: 100 + i, high: 105 + i, low: 95 + i, close: 101 + i }));

const scan = (patch: Partial<PatternScan> = {}): PatternScan => ({
  symbol: "BTC-USD",
  interval: "1h",
  from: iso(0),
  to: iso(10),
  bars: 10,
  source: "REPLAY",
  asOf: iso(10),
  note: null,
  candles: [],
  chart: [],
  levels: [],
  trendLines: [],
  ...patch,
});

const candle = (i: number, title: string, direction: "bullish" | "bearish" | "neutral") => ({
  pattern: "CDL" + title.toUpperCase().replace(/ /g, ""),
  title,
  direction,
  signal: direction === "bearish" ? -100 : 100,
  time: iso(i),
  price: 100 + i,
});

describe("buildDecorations", () => {
  it("marks candlestick patterns: bullish below the bar pointing up, bearish above pointing down, neutral a circle", () => {
    const { markers, segments, levels } = buildDecorations(
      scan({ candles: [candle(5, "Engulfing", "bearish"), candle(2, "Hammer", "bullish"), candle(7, "Doji", "neutral")] }),
      ["candles"],
      candles,
    );
    expect(markers).toEqual([
      { time: T0 + 2 * H, position: "belowBar", shape: "arrowUp", color: UP, text: "Hammer", size: 0.8 },
      { time: T0 + 5 * H, position: "aboveBar", shape: "arrowDown", color: DOWN, text: "Engulfing", size: 0.8 },
      expect.objectContaining({ time: T0 + 7 * H, position: "aboveBar", shape: "circle", text: "Doji", detail: true }),
    ]);
    expect(segments).toEqual([]);
    expect(levels).toEqual([]);
  });

  it("gives one marker to a bar's patterns of one direction, cuts long titles and skips bars not on the chart", () => {
    const { markers } = buildDecorations(
      scan({
        candles: [
          candle(3, "Three Advancing White Soldiers", "bullish"),
          candle(3, "Belt-hold", "bullish"),
          candle(3, "Belt-hold", "bearish"),
          candle(40, "Hammer", "bullish"),
        ],
      }),
      ["candles"],
      candles,
    );
    expect(markers.map((m) => [m.time, m.shape, m.text])).toEqual([
      [T0 + 3 * H, "arrowUp", "Three Advancing… +1"],
      [T0 + 3 * H, "arrowDown", "Belt-hold"],
    ]);
    expect(shortTitle("Engulfing")).toBe("Engulfing");
    expect(shortTitle("Concealing Baby Swallow")).toBe("Concealing Baby…");
    expect(shortTitle("Supercalifragilisticexpialidocious")).toBe("Supercalifragil…");
  });

  it("draws a chart pattern's lines as segments and labels its key points", () => {
    const { markers, segments } = buildDecorations(
      scan({
        chart: [
          {
            kind: "double_bottom",
            title: "Double bottom",
            direction: "bullish",
            start: iso(1),
            end: iso(8),
            breakoutLevel: 107,
            target: 112,
            confidence: 0.72,
            points: [
              { time: iso(1), price: 96, label: "first_bottom" },
              { time: iso(4), price: 108.5, label: "neckline" },
              { time: iso(6), price: 101, label: "second_bottom" },
              { time: iso(8), price: 109, label: "breakout" },
            ],
            lines: [
              { label: "neckline", from: { time: iso(1), price: 108.5 }, to: { time: iso(8), price: 108.5 } },
              { label: "bottoms", from: { time: iso(1), price: 96 }, to: { time: iso(6), price: 101 } },
            ],
          },
        ],
      }),
      ["chart"],
      candles,
    );
    expect(segments).toEqual([
      expect.objectContaining({ from: { time: T0 + H, value: 108.5 }, to: { time: T0 + 8 * H, value: 108.5 }, style: "dashed" }),
      expect.objectContaining({ from: { time: T0 + H, value: 96 }, to: { time: T0 + 6 * H, value: 101 }, style: "solid" }),
    ]);
    expect(markers.map((m) => [m.time, m.text, m.position, m.shape])).toEqual([
      [T0 + H, "B1", "atPriceBottom", "circle"],
      [T0 + 4 * H, "N", "atPriceTop", "circle"],
      [T0 + 6 * H, "B2", "atPriceBottom", "circle"],
      [T0 + 8 * H, "Double bottom", "atPriceTop", "arrowUp"],
    ]);
    expect(markers.at(-1)?.color).toBe(UP);

    // Begun before the first bar on the chart: its lines are cut to the chart, its earlier points left out.
    const late = buildDecorations(
      scan({
        chart: [
          {
            kind: "double_bottom", title: "Double bottom", direction: "bullish", start: iso(-3), end: iso(4), breakoutLevel: 107, target: 112, confidence: 0.5,
            points: [{ time: iso(-3), price: 96, label: "first_bottom" }, { time: iso(4), price: 109, label: "breakout" }],
            lines: [{ label: "neckline", from: { time: iso(-3), price: 108 }, to: { time: iso(4), price: 108 } }],
          },
        ],
      }),
      ["chart"],
      candles,
    );
    expect(late.markers.map((m) => m.text)).toEqual(["Double bottom"]);
    expect(late.segments[0]).toMatchObject({ from: { time: T0, value: 108 }, to: { time: T0 + 4 * H, value: 108 } });
  });

  it("draws the strongest levels as price lines, support green and resistance red, titled with their touches", () => {
    const levels = Array.from({ length: MAX_LEVELS + 2 }, (_, i) => ({
      price: 100 + i,
      kind: i % 2 ? ("resistance" as const) : ("support" as const),
      touches: 2 + i,
      strength: i,
      firstTouch: iso(0),
      lastTouch: iso(5),
    }));
    const drawn = buildDecorations(scan({ levels }), ["levels"], candles).levels;
    expect(drawn).toHaveLength(MAX_LEVELS);
    expect(drawn[0]).toEqual({ price: 100 + MAX_LEVELS + 1, color: DOWN, title: `R ×${MAX_LEVELS + 3}` });
    expect(drawn[1]).toEqual({ price: 100 + MAX_LEVELS, color: UP, title: `S ×${MAX_LEVELS + 2}` });
  });

  it("draws trend lines with their channel, and only the groups turned on", () => {
    const trendLines = [
      { kind: "support" as const, touches: 3, from: { time: iso(0), price: 95 }, to: { time: iso(9), price: 104 }, channel: { from: { time: iso(0), price: 105 }, to: { time: iso(9), price: 114 } } },
    ];
    const both = buildDecorations(scan({ trendLines, candles: [candle(2, "Hammer", "bullish")] }), ["trendlines"], candles);
    expect(both.segments.map((s) => s.style)).toEqual(["solid", "dotted"]);
    expect(both.markers).toEqual([]);
    expect(buildDecorations(undefined, ["trendlines"], candles)).toEqual({ markers: [], segments: [], levels: [] });
  });
});

describe("segmentOf", () => {
  const times = candles.map((c) => c.time);
  it("cuts a line to the bars on the chart, its price following the line", () => {
    // From bar -2 (not on the chart) to bar 4: starts at bar 0, where the line is at 102.
    const s = segmentOf(times, { time: iso(-2), price: 100 }, { time: iso(4), price: 106 }, { color: "x" });
    expect(s).toEqual({ color: "x", from: { time: T0, value: 102 }, to: { time: T0 + 4 * H, value: 106 } });
  });
  it("snaps times between bars to the nearest bar and orders the ends", () => {
    const s = segmentOf(times, { time: iso(6), price: 0 }, { time: new Date((T0 + 2 * H + 60) * 1000).toISOString(), price: 0 }, { color: "x" });
    expect([s?.from.time, s?.to.time]).toEqual([T0 + 2 * H, T0 + 6 * H]);
  });
  it("drops a line that is all outside the chart or has no length", () => {
    expect(segmentOf(times, { time: iso(20), price: 1 }, { time: iso(30), price: 2 }, { color: "x" })).toBeNull();
    expect(segmentOf(times, { time: iso(2), price: 1 }, { time: iso(2), price: 2 }, { color: "x" })).toBeNull();
    expect(segmentOf([], { time: iso(1), price: 1 }, { time: iso(2), price: 2 }, { color: "x" })).toBeNull();
  });
});

describe("detectionRows", () => {
  it("lists the groups on, newest first, with a chart pattern's confidence, breakout and target", () => {
    const rows = detectionRows(
      scan({
        candles: [candle(2, "Hammer", "bullish")],
        chart: [
          { kind: "double_top", title: "Double top", direction: "bearish", start: iso(1), end: iso(6), breakoutLevel: 100.5, target: 95, confidence: 0.655, points: [], lines: [] },
        ],
        levels: [{ price: 99, kind: "support", touches: 4, strength: 2.5, firstTouch: iso(0), lastTouch: iso(4) }],
      }),
      ["candles", "chart", "levels"],
    );
    expect(rows.map((r) => [r.group, r.name, r.direction])).toEqual([
      ["chart", "Double top", "bearish"],
      ["levels", "Support 99.00", "support"],
      ["candles", "Hammer", "bullish"],
    ]);
    expect(rows[0]!.details).toBe("confidence 66% · breakout 100.50 · target 95.00");
    expect(rows[1]!.details).toBe("4 touches · strength 2.5");
    expect(detectionRows(scan({ candles: [candle(2, "Hammer", "bullish")] }), ["chart"])).toEqual([]);
  });

  it("keeps the rows in the bars in view; levels and trend lines span the chart", () => {
    const [pattern, level] = [
      { key: "a", group: "candles" as const, time: iso(2), name: "", direction: "", details: "" },
      { key: "b", group: "levels" as const, time: iso(2), name: "", direction: "", details: "" },
    ];
    const range = { from: T0 + 5 * H, to: T0 + 9 * H };
    expect(inView(pattern, range)).toBe(false);
    expect(inView(pattern, { from: T0, to: T0 + 3 * H })).toBe(true);
    expect(inView(level, range)).toBe(true);
    expect(inView(pattern, null)).toBe(true);
  });
});

describe("small helpers", () => {
  it("names kinds in a fixed order and shortens point labels", () => {
    expect(kindsOf(["levels", "candles"])).toBe("candles,levels");
    expect(kindsOf([])).toBe("");
    expect(pointLabel("left_shoulder")).toBe("LS");
    expect(pointLabel("upper_touch")).toBe("");
    expect(pointLabel("some_new_point")).toBe("SNP");
  });
});

describe("patternsAt", () => {
  it("names a bar's candlestick patterns and the chart patterns completed on it", () => {
    const found = scan({
      candles: [candle(3, "Hammer", "bullish"), candle(3, "Doji", "neutral"), candle(4, "Engulfing", "bearish")],
      chart: [{ kind: "double_top", title: "Double top", direction: "bearish", start: iso(0), end: iso(3), breakoutLevel: 1, target: 0, confidence: 0.5, points: [], lines: [] }],
    });
    expect(patternsAt(found, ["candles", "chart"], T0 + 3 * H)).toEqual(["Hammer (bullish)", "Doji (neutral)", "Double top breakout (bearish)"]);
    expect(patternsAt(found, ["chart"], T0 + 4 * H)).toEqual([]);
  });
});
