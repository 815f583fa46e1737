import { fireEvent, screen, waitFor } from "@testing-library/react";
import type { Candle, Decorations, Line } from "@/components/charts/CandleChart";
import { useAuth } from "@/stores/auth";
import { mockApi, renderWithProviders } from "@/test/utils";
import { ChartPanel } from "./ChartPanel";

// lightweight-charts needs a canvas: record what the chart is given instead.
type Drawn = { candles: Candle[]; lines: Line[]; decorations?: Decorations; onHover?: (time: number | null) => void };
const drawn: Drawn[] = [];
vi.mock("@/components/charts/CandleChart", () => ({
  CandleChart: (props: Drawn) => {
    drawn.push(props);
    return (
      <div data-testid="candle-chart">
        {props.lines.map((l) => `${l.name}@${l.pane}`).join(",")}
        {/* The pointer over the second bar. */}
        <button type="button" onClick={() => props.onHover?.(props.candles[1]!.time)}>
          point at bar 2
        </button>
      </div>
    );
  },
}));

const catalog = {
  indicators: [
    { name: "RSI", title: "Relative Strength Index", group: "momentum", inputs: ["close"], params: [], outputs: ["value"], lookback: 14, engine: "ta-lib", aliases: [] },
    { name: "BBANDS", title: "Bollinger Bands", group: "volatility", inputs: ["close"], params: [], outputs: ["upper", "middle", "lower"], lookback: 19, engine: "ta-lib", aliases: [] },
  ],
  functions: [],
};
const bar = (timestamp: string, close: number) => ({ timestamp, open: close, high: close + 1, low: close - 1, close, volume: 2 });
const historical = (data: unknown[]) => ({
  symbol: "BTC-USD",
  interval: "1h",
  source: "REPLAY",
  sources: ["REPLAY"],
  from: "2026-11-24T00:00:00Z",
  to: "2026-11-24T03:00:00Z",
  data,
  dataPoints: data.length,
  resampledFrom: null,
  nextCursor: null,
});

function show(overlays: string[] = [], onOverlays = vi.fn(), patterns: string[] = [], onPatterns = vi.fn()) {
  return renderWithProviders(
    <ChartPanel
      symbol="BTC-USD"
      interval="1h"
      overlays={overlays}
      patterns={patterns}
      onInterval={vi.fn()}
      onOverlays={onOverlays}
      onPatterns={onPatterns}
    />,
  );
}

const bars = [bar("2026-11-24T00:00:00Z", 100), bar("2026-11-24T01:00:00Z", 101), bar("2026-11-24T02:00:00Z", 102)];
const scan = (patch: object = {}) => ({
  symbol: "BTC-USD",
  interval: "1h",
  from: "2026-11-24T00:00:00Z",
  to: "2026-11-24T03:00:00Z",
  bars: 3,
  source: "REPLAY",
  asOf: "2026-11-24T03:00:00Z",
  note: null,
  candles: [],
  chart: [],
  levels: [],
  trendLines: [],
  ...patch,
});
const chartRoutes = (patterns: Parameters<typeof mockApi>[0][string]) => ({
  "GET /api/data/historical": { body: historical(bars) },
  "GET /api/indicators": { body: catalog },
  "GET /api/indicators/custom": { body: [] },
  "GET /api/patterns/BTC-USD": patterns,
});

describe("ChartPanel", () => {
  beforeEach(() => {
    drawn.length = 0;
    useAuth.setState({ tokens: { accessToken: "a", refreshToken: "r" }, user: { id: 7, email: "u@example.com", role: "user" } });
  });

  it("says where candles come from when none are stored", async () => {
    mockApi({
      "GET /api/data/historical": { body: historical([]) },
      "GET /api/indicators": { body: catalog },
      "GET /api/indicators/custom": { body: [] },
    });
    show();
    expect(await screen.findByText("No candles stored yet for BTC-USD at 1h")).toBeInTheDocument();
    expect(screen.getByText(/the replay or a backfill fills them/i)).toBeInTheDocument();
    expect(screen.queryByTestId("candle-chart")).not.toBeInTheDocument();
  });

  it("draws the candles and a built-in oscillator, evaluated as an inline formula, in the lower pane", async () => {
    const calls = mockApi({
      "GET /api/data/historical": {
        body: historical([bar("2026-11-24T00:00:00Z", 100), bar("2026-11-24T01:00:00Z", 101), bar("2026-11-24T02:00:00Z", 102)]),
      },
      "GET /api/indicators": { body: catalog },
      "GET /api/indicators/custom": { body: [] },
      "POST /api/indicators/evaluate": {
        body: { indicatorId: null, formula: "RSI", symbol: "BTC-USD", interval: "1h", lookback: 14, dataPoints: 2, data: [{ timestamp: "2026-11-24T01:00:00Z", value: null }, { timestamp: "2026-11-24T02:00:00Z", value: 55.5 }] },
      },
    });
    show(["builtin:RSI"]);
    expect(await screen.findByTestId("candle-chart")).toHaveTextContent("RSI@lower");
    const last = drawn.at(-1)!;
    expect(last.candles.map((c) => c.close)).toEqual([100, 101, 102]);
    expect(last.candles[0]!.time).toBe(Date.parse("2026-11-24T00:00:00Z") / 1000);
    expect(last.lines[0]!.points).toEqual([
      { time: Date.parse("2026-11-24T01:00:00Z") / 1000, value: null },
      { time: Date.parse("2026-11-24T02:00:00Z") / 1000, value: 55.5 },
    ]);
    expect(calls.find((c) => c.route === "POST /api/indicators/custom")).toBeUndefined(); // nothing saved
    const evaluated = calls.find((c) => c.route === "POST /api/indicators/evaluate");
    expect(evaluated?.body).toEqual({ formula: "RSI", symbol: "BTC-USD", interval: "1h", from: "2026-11-24T00:00:00Z", to: "2026-11-24T03:00:00Z" });
  });

  it("adds an overlay picked from the catalog", async () => {
    mockApi({
      "GET /api/data/historical": { body: historical([]) },
      "GET /api/indicators": { body: catalog },
      "GET /api/indicators/custom": { body: [{ indicatorId: 3, name: "Slow SMA", formula: "SMA(CLOSE, 50)", parameters: {} }] },
    });
    const onOverlays = vi.fn();
    show([], onOverlays);
    const select = await screen.findByLabelText("Indicator");
    await waitFor(() => expect(screen.getByRole("option", { name: /Slow SMA/ })).toBeInTheDocument());
    fireEvent.change(select, { target: { value: "builtin:BBANDS" } });
    fireEvent.click(screen.getByRole("button", { name: "Add overlay" }));
    expect(onOverlays).toHaveBeenCalledWith(["builtin:BBANDS"]);
  });

  it("turns pattern groups on and off", async () => {
    const calls = mockApi(chartRoutes({ body: scan() }));
    const onPatterns = vi.fn();
    show([], vi.fn(), ["levels"], onPatterns);
    const toggles = await screen.findByRole("group", { name: "Patterns" });
    expect(screen.getByRole("checkbox", { name: /Support and resistance/ })).toBeChecked();
    fireEvent.click(screen.getByRole("checkbox", { name: /Candlestick patterns/ }));
    expect(onPatterns).toHaveBeenLastCalledWith(["candles", "levels"]);
    fireEvent.click(screen.getByRole("checkbox", { name: /Support and resistance/ }));
    expect(onPatterns).toHaveBeenLastCalledWith([]);
    expect(toggles).toBeInTheDocument();
    await waitFor(() => expect(calls.some((c) => c.route === "GET /api/patterns/BTC-USD")).toBe(true));
  });

  it("asks for nothing while every group is off", async () => {
    const calls = mockApi(chartRoutes({ body: scan() }));
    show();
    await screen.findByTestId("candle-chart");
    expect(calls.some((c) => c.route.startsWith("GET /api/patterns"))).toBe(false);
    expect(screen.queryByTestId("pattern-list")).not.toBeInTheDocument();
    expect(drawn.at(-1)?.decorations).toBeUndefined();
  });

  it("scans the chart's bars for the groups on, marks them on the candles and lists them", async () => {
    const calls = mockApi(
      chartRoutes({
        body: scan({
          candles: [
            { pattern: "CDLENGULFING", title: "Engulfing", direction: "bullish", signal: 100, time: "2026-11-24T01:00:00Z", price: 101 },
            { pattern: "CDLSHOOTINGSTAR", title: "Shooting Star", direction: "bearish", signal: -100, time: "2026-11-24T02:00:00Z", price: 102 },
          ],
          levels: [{ price: 99, kind: "support", touches: 3, strength: 1.5, firstTouch: "2026-11-24T00:00:00Z", lastTouch: "2026-11-24T02:00:00Z" }],
        }),
      }),
    );
    show([], vi.fn(), ["levels", "candles"]);
    const table = await screen.findByRole("table", { name: "Patterns in view" });
    const scanCall = calls.find((c) => c.route === "GET /api/patterns/BTC-USD")!;
    expect(Object.fromEntries(scanCall.search)).toEqual({
      interval: "1h",
      from: "2026-11-24T00:00:00Z",
      to: "2026-11-24T03:00:00Z",
      kinds: "candles,levels",
    });
    expect(table).toHaveTextContent("Engulfing");
    expect(table).toHaveTextContent("Shooting Star");
    expect(table).toHaveTextContent("3 touches");
    expect(screen.getByRole("checkbox", { name: /Candlestick patterns/ }).closest("label")).toHaveTextContent("Candlestick patterns 2");

    await waitFor(() => expect(drawn.at(-1)?.decorations?.markers).toHaveLength(2));
    const { markers, levels } = drawn.at(-1)!.decorations!;
    expect(markers.map((m) => [m.shape, m.position, m.text])).toEqual([
      ["arrowUp", "belowBar", "Engulfing"],
      ["arrowDown", "aboveBar", "Shooting Star"],
    ]);
    expect(levels).toEqual([expect.objectContaining({ price: 99, title: "S ×3" })]);

    // The markers' texts show only when zoomed in: the bar under the pointer is read out under the chart.
    expect(screen.getByTestId("pattern-hover")).toHaveTextContent("Point at a bar to read its patterns");
    fireEvent.click(screen.getByRole("button", { name: "point at bar 2" }));
    expect(screen.getByTestId("pattern-hover")).toHaveTextContent("Engulfing (bullish)");
  });

  it("says when the bars hold no patterns, with the API's note", async () => {
    mockApi(chartRoutes({ body: scan({ note: "Chart patterns need at least 30 bars; these have 3." }) }));
    show([], vi.fn(), ["chart"]);
    expect(await screen.findByText("No patterns in these bars")).toBeInTheDocument();
    expect(screen.getByTestId("pattern-note")).toHaveTextContent("need at least 30 bars");
  });

  it("shows a scan's error with a way to try again", async () => {
    mockApi(chartRoutes({ status: 503, body: { status: "error", code: "SERVICE_UNAVAILABLE", message: "Pattern scan unavailable" } }));
    show([], vi.fn(), ["candles"]);
    expect(await screen.findByText("Could not find patterns")).toBeInTheDocument();
    expect(screen.getByText("Pattern scan unavailable")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Try again" })).toBeInTheDocument();
    expect(screen.getByTestId("candle-chart")).toBeInTheDocument(); // the chart stays
  });
});
