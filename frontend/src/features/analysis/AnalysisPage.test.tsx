import { fireEvent, screen, within } from "@testing-library/react";
import { apiError, mockApi, renderWithProviders } from "@/test/utils";
import AnalysisPage from "./AnalysisPage";

const symbols = [
  { symbol: "BTC-USD", name: "Bitcoin", coingeckoId: null, coinmarketcapId: null, binancePair: null, coinbaseProduct: null, stablecoin: false },
  { symbol: "ETH-USD", name: "Ethereum", coingeckoId: null, coinmarketcapId: null, binancePair: null, coinbaseProduct: null, stablecoin: false },
];
const indicator = (name: string, title: string, group = "momentum") => ({ name, title, group, inputs: ["close"], params: [], outputs: ["value"], lookback: 14, engine: "ta-lib", aliases: [] });
const catalog = { indicators: [indicator("RSI", "Relative Strength Index"), indicator("MACD", "Moving Average Convergence/Divergence"), indicator("BBANDS", "Bollinger Bands", "volatility"), indicator("SMA", "Simple Moving Average", "overlap")], functions: [] };

const frame = (timeframe: string) => ({
  timeframe,
  candleTime: "2026-11-24T07:00:00Z",
  close: 76084.34,
  indicators: {
    RSI: { value: 58.3166, signal: "NEUTRAL" },
    MACD: { value: 192.08, signal: 203.8, histogram: -11.71, trend: "BEARISH", cross: null },
    BBANDS: { upper: 76527.734, middle: 75815.02, lower: 75102.3, position: "MIDDLE" },
  },
  summary: { signal: "BEARISH", score: -1, votes: 2 },
  chartUrl: `/api/charts/token-${timeframe}.png`,
});

function routes(technical: Parameters<typeof mockApi>[0][string]) {
  return mockApi({
    "GET /api/market/symbols": { body: symbols },
    "GET /api/indicators": { body: catalog },
    "POST /api/analysis/technical": technical,
  });
}

describe("AnalysisPage", () => {
  it("checks the form before sending: a period and at least one indicator", async () => {
    const calls = routes({ body: {} });
    renderWithProviders(<AnalysisPage />);
    const period = await screen.findByLabelText("Period");
    fireEvent.change(period, { target: { value: "forever" } });
    for (const name of ["Remove RSI", "Remove MACD", "Remove BBANDS"]) fireEvent.click(screen.getByRole("button", { name }));
    fireEvent.click(screen.getByRole("button", { name: "Analyse" }));

    expect(await screen.findByText("A period looks like 90d, 12h, 4w or 1y")).toBeInTheDocument();
    expect(screen.getByText("Choose at least one indicator")).toBeInTheDocument();
    expect(period).toHaveAttribute("aria-invalid", "true");
    expect(calls.some((c) => c.route.startsWith("POST"))).toBe(false);
  });

  it("shows the API's field error next to its field", async () => {
    routes(apiError(400, "RANGE_TOO_LARGE", "period must be between 1h and 5y", "period"));
    renderWithProviders(<AnalysisPage />);
    const period = await screen.findByLabelText("Period");
    fireEvent.change(period, { target: { value: "9999y" } });
    fireEvent.click(screen.getByRole("button", { name: "Analyse" }));
    const error = await screen.findByText("period must be between 1h and 5y");
    expect(error).toHaveAttribute("id", "ta-period-error");
    expect(period).toHaveAttribute("aria-describedby", "ta-period-error");
  });

  it("sends the chosen request and shows each timeframe's signals and chart", async () => {
    const calls = routes({
      body: { symbol: "ETH-USD", timeframe: "4h", indicators: {}, summary: { signal: "BULLISH", score: 2, votes: 3 }, chartUrl: "/api/charts/token-4h.png", period: "30d", timeframes: { "1h": frame("1h"), "4h": frame("4h") }, timestamp: "2026-11-24T08:00:00Z" },
    });
    renderWithProviders(<AnalysisPage />);
    fireEvent.change(await screen.findByLabelText("Symbol"), { target: { value: "ETH-USD" } });
    fireEvent.change(screen.getByLabelText("Period"), { target: { value: "30D" } });
    fireEvent.click(screen.getByRole("checkbox", { name: "1d" }));
    fireEvent.click(screen.getByRole("checkbox", { name: /SMA/ }));
    fireEvent.click(screen.getByRole("button", { name: "Analyse" }));

    const table = await screen.findByRole("table", { name: "4h signals" });
    expect(calls.find((c) => c.route === "POST /api/analysis/technical")?.body).toEqual({
      symbol: "ETH-USD",
      indicators: ["RSI", "MACD", "BBANDS", "SMA"],
      timeframes: ["1h", "4h"],
      period: "30d",
      patternBars: 0,
    });
    expect(screen.queryByTestId("analysis-patterns")).not.toBeInTheDocument(); // not asked for
    const rsi = within(table).getByRole("row", { name: /RSI/ });
    expect(rsi).toHaveTextContent("58.32");
    expect(rsi).toHaveTextContent("neutral");
    expect(within(table).getByRole("row", { name: /MACD/ })).toHaveTextContent("bearish");
    expect(within(table).getByRole("row", { name: /BBANDS/ })).toHaveTextContent("upper 76,527.73");
    expect(screen.getByRole("img")).toHaveAttribute("src", "/api/charts/token-4h.png");

    fireEvent.click(screen.getByRole("tab", { name: "1h" }));
    expect(screen.getByRole("table", { name: "1h signals" })).toBeInTheDocument();
    expect(screen.getByRole("img")).toHaveAttribute("src", "/api/charts/token-1h.png");
  });

  it("lists each timeframe's patterns of the last N bars when asked for", async () => {
    const withPatterns = (timeframe: string, patterns: unknown[]) => ({ ...frame(timeframe), patterns });
    const calls = routes({
      body: {
        symbol: "BTC-USD", timeframe: "4h", indicators: {}, summary: { signal: "BULLISH", score: 2, votes: 3 }, chartUrl: "/api/charts/token-4h.png", period: "90d",
        timeframes: {
          "1h": withPatterns("1h", []),
          "4h": withPatterns("4h", [
            { name: "CDLHAMMER", title: "Hammer", direction: "bullish", time: "2026-11-23T20:00:00Z" },
            { name: "double_top", title: "Double top", direction: "bearish", time: "2026-11-24T04:00:00Z" },
          ]),
        },
        timestamp: "2026-11-24T08:00:00Z",
      },
    });
    renderWithProviders(<AnalysisPage />);
    const bars = await screen.findByLabelText("Patterns in the last N bars");
    fireEvent.change(bars, { target: { value: "200" } });
    fireEvent.click(screen.getByRole("button", { name: "Analyse" }));
    expect(await screen.findByText("At most 100 bars")).toBeInTheDocument();
    expect(calls.some((c) => c.route.startsWith("POST"))).toBe(false);

    fireEvent.change(bars, { target: { value: "30" } });
    fireEvent.click(screen.getByRole("button", { name: "Analyse" }));
    const list = await screen.findByTestId("analysis-patterns");
    expect(calls.find((c) => c.route === "POST /api/analysis/technical")?.body).toMatchObject({ patternBars: 30 });
    expect(list).toHaveTextContent("Patterns in the last 30 4h bars (2)");
    expect(list).toHaveTextContent("1 bullish · 1 bearish");
    const items = within(list).getAllByRole("listitem");
    expect(items[0]).toHaveTextContent(/bearish\s*Double top/); // newest first
    expect(items[1]).toHaveTextContent(/bullish\s*Hammer/);

    fireEvent.click(screen.getByRole("tab", { name: "1h" }));
    expect(screen.getByTestId("analysis-patterns")).toHaveTextContent("No patterns in these bars.");
  });
});
