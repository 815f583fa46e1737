import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import type { Series } from "@/components/charts/LineChart";
import { useAuth } from "@/stores/auth";
import { apiError, mockApi, renderWithProviders, symbols, type MockRoute } from "@/test/utils";
import BacktestPanel from "./BacktestPanel";

const charts = vi.hoisted(() => new Map<string, Series[]>());
vi.mock("@/components/charts/LineChart", () => ({
  LineChart: (props: { series: Series[]; testId?: string }) => {
    charts.set(props.testId ?? "line-chart", props.series);
    return <div data-testid={props.testId ?? "line-chart"}>{props.series.map((s) => `${s.name}:${s.points.length}`).join(",")}</div>;
  },
}));

const strategies = [
  {
    name: "RSI Mean Reversion",
    description: "Buy while RSI is below buyThreshold",
    parameters: [
      { name: "rsiPeriod", default: 14, min: 2, max: 1000, integer: true },
      { name: "buyThreshold", default: 30, min: 1, max: 99, integer: false },
      { name: "sellThreshold", default: 70, min: 1, max: 99, integer: false },
    ],
  },
  { name: "Rules", description: "Formulas", parameters: [{ name: "entry", type: "formula" }, { name: "exit", type: "formula" }] },
];

const results = (totalReturn: number) => ({ totalReturn, sharpeRatio: 0.23, maxDrawdown: -0.3, totalTrades: 25, winRate: 0.52, finalEquity: 10109.21, openAtEnd: false });
const run = (id: string, totalReturn = 0.010921) => ({
  backtestId: id,
  strategyName: "RSI Mean Reversion",
  results: results(totalReturn),
  equityCurveUrl: `/api/backtest/${id}/equity.png?sig=abc`,
  completedAt: "2026-11-24T08:03:02.037Z",
  symbol: "BTC-USD",
  interval: "1h",
  from: "2025-02-01T00:00:00Z",
  to: "2025-12-01T00:00:00Z",
  parameters: { rsiPeriod: 14, buyThreshold: 30, sellThreshold: 70 },
  initialCapital: 10000,
  costs: { fees: 0.001 },
  stops: { stopLoss: null, takeProfit: null, trailingStop: null },
  createdAt: "2026-11-24T08:03:02.037Z",
});
const data = (id: string) => ({
  backtestId: id,
  equity: [
    { timestamp: "2025-02-01T00:00:00Z", equity: 10000, drawdown: 0 },
    { timestamp: "2025-02-01T01:00:00Z", equity: 9900, drawdown: -0.01 },
    { timestamp: "2025-02-01T02:00:00Z", equity: 10100, drawdown: 0 },
  ],
  trades: [
    { side: "LONG", entryAt: "2025-02-05T03:00:00Z", exitAt: "2025-02-08T18:00:00Z", entryBar: 99, exitBar: 186, entryPrice: 61362.01, exitPrice: 57965.2, units: 0.1628, fees: 19.43, pnl: -572.44, exitReason: "SIGNAL" },
  ],
});

function setup(routes: Record<string, MockRoute> = {}) {
  const calls = mockApi({
    "GET /api/market/symbols": { body: symbols },
    "GET /api/backtest/strategies": { body: strategies },
    "GET /api/backtest": { body: [] },
    "GET /api/backtest/BT-1/data": { body: data("BT-1") },
    "GET /api/backtest/BT-2/data": { body: data("BT-2") },
    "GET /api/backtest/BT-1": { body: run("BT-1") },
    "GET /api/backtest/BT-2": { body: run("BT-2", -0.05) },
    ...routes,
  });
  renderWithProviders(<BacktestPanel />, { path: "/research/backtest", route: "/research/*" });
  return calls;
}

describe("BacktestPanel", () => {
  beforeEach(() => {
    charts.clear();
    useAuth.setState({ tokens: { accessToken: "a", refreshToken: "r" }, user: { id: 7, email: "u@example.com", role: "user" } });
  });

  it("runs a backtest and shows its equity curve, drawdown, metrics and trades", async () => {
    const calls = setup({ "POST /api/backtest/strategy": { status: 201, body: run("BT-1") } });
    expect(await screen.findByLabelText("RSI period")).toHaveValue(14);
    fireEvent.change(screen.getByLabelText("Buy threshold"), { target: { value: "25" } });
    fireEvent.click(screen.getByLabelText("Between dates"));
    fireEvent.change(screen.getByLabelText("From"), { target: { value: "2025-02-01" } });
    fireEvent.change(screen.getByLabelText("To"), { target: { value: "2025-12-01" } });
    fireEvent.change(screen.getByLabelText("Stop-loss"), { target: { value: "0.05" } });
    fireEvent.click(screen.getByRole("button", { name: "Run backtest" }));

    expect(await screen.findByTestId("equity-chart")).toHaveTextContent("Equity:3");
    expect(calls.find((c) => c.route === "POST /api/backtest/strategy")!.body).toMatchObject({
      strategyName: "RSI Mean Reversion",
      symbol: "BTC-USD",
      interval: "1h",
      from: "2025-02-01T00:00:00Z",
      to: "2025-12-01T00:00:00Z",
      parameters: { rsiPeriod: 14, buyThreshold: 25, sellThreshold: 70 },
      stopLoss: 0.05,
    });
    expect(charts.get("equity-chart")![0]!.points[1]).toEqual({ time: 1738371600, value: 9900 });
    expect(charts.get("drawdown-chart")![0]).toMatchObject({ area: true, points: [{ value: 0 }, { value: -1 }, { value: 0 }] });
    const metrics = screen.getByTestId("metrics-table");
    expect(within(metrics).getByText("Total return").closest("tr")).toHaveTextContent("+1.09%");
    expect(within(metrics).getByText("Win rate").closest("tr")).toHaveTextContent("52.0%");
    expect(within(screen.getByTestId("trades-table")).getByText("SIGNAL")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Equity curve as PNG" })).toHaveAttribute("href", "/api/backtest/BT-1/equity.png?sig=abc");
  });

  it("shows a 422 next to the field it names, and NO_DATA as a notice", async () => {
    let reply: MockRoute = apiError(422, "VALIDATION_ERROR", "buyThreshold must be below sellThreshold", "parameters.buyThreshold");
    setup({ "POST /api/backtest/strategy": () => reply as { status: number; body: unknown } });
    await screen.findByLabelText("Buy threshold");
    fireEvent.click(screen.getByRole("button", { name: "Run backtest" }));
    await waitFor(() => expect(screen.getByLabelText("Buy threshold")).toHaveAccessibleDescription("buyThreshold must be below sellThreshold"));
    expect(screen.getByLabelText("Buy threshold")).toHaveAttribute("aria-invalid", "true");

    reply = apiError(422, "VALIDATION_ERROR", "fees: Input should be less than 0.1", "fees", [{ field: "fees", message: "Input should be less than 0.1" }]);
    fireEvent.click(screen.getByRole("button", { name: "Run backtest" }));
    await waitFor(() => expect(screen.getByLabelText("Fees")).toHaveAccessibleDescription("Input should be less than 0.1"));

    reply = apiError(404, "NO_DATA", "No 1h candles of BTC-USD between 2023-02-01T00:00:00Z and 2023-03-01T00:00:00Z", "symbol");
    fireEvent.click(screen.getByRole("button", { name: "Run backtest" }));
    const notice = await screen.findByTestId("no-data");
    expect(notice).toHaveTextContent("No candles stored for this range.");
    expect(notice).toHaveTextContent("No 1h candles of BTC-USD between 2023-02-01");
    expect(screen.getByLabelText("Symbol")).not.toHaveAttribute("aria-invalid");
  });

  it("marks a Rules formula error at its column", async () => {
    setup({ "POST /api/backtest/strategy": apiError(422, "VALIDATION_ERROR", "unknown function EMAX at column 5", "parameters.exit") });
    await screen.findByLabelText("RSI period");
    fireEvent.change(screen.getByLabelText("Strategy"), { target: { value: "Rules" } });
    fireEvent.change(screen.getByLabelText("Exit formula"), { target: { value: "1 + EMAX(CLOSE, 3)" } });
    fireEvent.click(screen.getByRole("button", { name: "Run backtest" }));
    const marker = await screen.findByTestId("formula-marker");
    expect(marker).toHaveAttribute("data-column", "5");
    expect(marker.querySelector("mark")).toHaveTextContent("E");
  });

  it("compares two past runs: metrics side by side and both curves on one chart", async () => {
    setup({ "GET /api/backtest": { body: [run("BT-2", -0.05), run("BT-1")] } });
    fireEvent.click(await screen.findByLabelText("Compare BT-1"));
    expect(screen.getByRole("button", { name: "Compare selected" })).toBeDisabled();
    fireEvent.click(screen.getByLabelText("Compare BT-2"));
    fireEvent.click(screen.getByRole("button", { name: "Compare selected" }));
    const table = await screen.findByTestId("compare-table");
    const totalReturn = within(table).getByText("Total return").closest("tr")!;
    expect(totalReturn).toHaveTextContent("-5.00%");
    expect(totalReturn).toHaveTextContent("+1.09%");
    await waitFor(() => expect(charts.get("compare-chart")?.map((s) => s.points.length)).toEqual([3, 3]));
    // Curves are drawn as returns on the initial capital, so runs of any size compare.
    expect(charts.get("compare-chart")![0]!.points.map((p) => p.value)).toEqual([0, -1, 1]);
  });

  it("sweeps parameters, polls the job with a progress bar, and draws the heat-map and ranked table", async () => {
    let polls = 0;
    const sweepResult = {
      strategyName: "RSI Mean Reversion",
      symbol: "BTC-USD",
      metric: "sharpeRatio",
      combinations: 4,
      skipped: 0,
      inSample: { from: 1738368000, bars: 5090 },
      outOfSample: { from: 1756692000, bars: 2182 },
      results: [
        { parameters: { rsiPeriod: 10, buyThreshold: 20, sellThreshold: 70 }, inSample: { sharpeRatio: 1.5, totalReturn: 0.2 }, outOfSample: { sharpeRatio: 0.4, totalReturn: 0.03 } },
        { parameters: { rsiPeriod: 20, buyThreshold: 20, sellThreshold: 70 }, inSample: { sharpeRatio: 1.0, totalReturn: 0.1 }, outOfSample: { sharpeRatio: -0.2, totalReturn: -0.01 } },
        { parameters: { rsiPeriod: 10, buyThreshold: 30, sellThreshold: 70 }, inSample: { sharpeRatio: 0.5, totalReturn: 0.05 }, outOfSample: null },
        { parameters: { rsiPeriod: 20, buyThreshold: 30, sellThreshold: 70 }, inSample: { sharpeRatio: -1, totalReturn: -0.1 }, outOfSample: { sharpeRatio: 0, totalReturn: 0 } },
      ],
    };
    const job = (status: string, progress: number, result: unknown = null) => ({ jobId: "j1", name: "backtest.optimize", status, progress, message: null, result, error: null, attempts: 1, createdAt: "", startedAt: null, finishedAt: null });
    const calls = setup({
      "POST /api/backtest/optimize": { status: 202, body: job("PENDING", 0) },
      "GET /api/jobs/j1": () => ({ body: polls++ === 0 ? job("RUNNING", 0.5) : job("DONE", 1, sweepResult) }),
    });
    await screen.findByLabelText("RSI period from");
    fireEvent.change(screen.getByLabelText("RSI period from"), { target: { value: "10" } });
    fireEvent.change(screen.getByLabelText("RSI period to"), { target: { value: "20" } });
    fireEvent.change(screen.getByLabelText("RSI period step"), { target: { value: "10" } });
    fireEvent.change(screen.getByLabelText("Buy threshold from"), { target: { value: "20" } });
    fireEvent.change(screen.getByLabelText("Buy threshold to"), { target: { value: "30" } });
    fireEvent.change(screen.getByLabelText("Buy threshold step"), { target: { value: "10" } });
    fireEvent.change(screen.getByLabelText("Out-of-sample share"), { target: { value: "0.25" } });
    expect(screen.getByText("4 combinations.")).toBeInTheDocument();
    fireEvent.click(screen.getByRole("button", { name: "Start sweep" }));

    const bar = await screen.findByRole("progressbar", { name: "Sweep progress" });
    expect(bar).toHaveAttribute("value", "0.5");
    expect(screen.getByText("50%")).toBeInTheDocument();
    expect(calls.find((c) => c.route === "POST /api/backtest/optimize")!.body).toMatchObject({
      strategyName: "RSI Mean Reversion",
      ranges: { rsiPeriod: { min: 10, max: 20, step: 10 }, buyThreshold: { min: 20, max: 30, step: 10 } },
      metric: "sharpeRatio",
      outOfSample: 0.25,
      method: "GRID",
    });

    const heatmap = await screen.findByTestId("heatmap", {}, { timeout: 4000 });
    expect(within(heatmap).getAllByTestId("heat-cell")).toHaveLength(4);
    expect(within(heatmap).getByLabelText("rsiPeriod 10, buyThreshold 20: 1.50")).toHaveAttribute("data-level", "1.00");
    expect(within(heatmap).getByLabelText("rsiPeriod 20, buyThreshold 30: -1.00")).toHaveAttribute("data-level", "0.00");
    const table = screen.getByTestId("sweep-table");
    const first = within(table).getAllByRole("row")[1]!;
    expect(first).toHaveTextContent("1.50");
    expect(first).toHaveTextContent("0.40");

    // The out-of-sample map: a missing out-of-sample result leaves its cell empty.
    fireEvent.change(screen.getByLabelText("Heat-map sample"), { target: { value: "outOfSample" } });
    expect(within(screen.getByTestId("heatmap")).getByLabelText("rsiPeriod 10, buyThreshold 30: no result")).toBeInTheDocument();

    // "Use" copies a combination into the backtest form.
    fireEvent.click(within(table).getAllByRole("button", { name: /Use combination/ })[1]!);
    expect(screen.getByLabelText("RSI period")).toHaveValue(20);
  });
});
