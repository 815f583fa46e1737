import { fireEvent, screen, waitFor } from "@testing-library/react";
import type { Candle, Line } from "@/components/charts/CandleChart";
import { useAuth } from "@/stores/auth";
import { mockApi, renderWithProviders } from "@/test/utils";
import { ChartPanel } from "./ChartPanel";

// lightweight-charts needs a canvas: record what the chart is given instead.
const drawn: { candles: Candle[]; lines: Line[] }[] = [];
vi.mock("@/components/charts/CandleChart", () => ({
  CandleChart: (props: { candles: Candle[]; lines: Line[] }) => {
    drawn.push(props);
    return <div data-testid="candle-chart">{props.lines.map((l) => `${l.name}@${l.pane}`).join(",")}</div>;
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

function show(overlays: string[] = [], onOverlays = vi.fn()) {
  return renderWithProviders(
    <ChartPanel symbol="BTC-USD" interval="1h" overlays={overlays} onInterval={vi.fn()} onOverlays={onOverlays} />,
  );
}

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
});
