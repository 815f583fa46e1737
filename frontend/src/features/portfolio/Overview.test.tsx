import { act, screen, waitFor, within } from "@testing-library/react";
import type { Series } from "@/components/charts/LineChart";
import { useLive } from "@/realtime/socket";
import { useAuth } from "@/stores/auth";
import { fail, ok, renderWithProviders, serve, type Handler } from "@/test/utils";
import { analysisFixture, portfolioFixture, rebalanceFixture, SYMBOLS } from "./fixtures";
import PortfoliosPage from "./PortfoliosPage";

// lightweight-charts needs a canvas: record what each chart is given instead.
const charts = vi.hoisted(() => new Map<string, { label: string; series: Series[] }>());
vi.mock("@/components/charts/LineChart", () => ({
  LineChart: (props: { label: string; series: Series[]; testId?: string }) => {
    charts.set(props.testId ?? "line-chart", { label: props.label, series: props.series });
    return <figure data-testid={props.testId}>{props.series.map((s) => `${s.name}:${s.points.length}`).join(",")}</figure>;
  },
}));

beforeEach(() => {
  useAuth.setState({ tokens: { accessToken: "a", refreshToken: "r" }, user: { id: 7, email: "u@example.com", role: "user" } });
  useLive.setState({ quotes: {} });
  charts.clear();
});

const closes = [20, 21, 22, 23, 24].map((day, i) => ({ timestamp: `2026-11-${day}T00:00:00Z`, open: 1, high: 1, low: 1, close: [50000, 51000, 49000, 50000, 52000][i]!, volume: 1 }));

function routes(patch: Record<string, Handler> = {}): Record<string, Handler> {
  return {
    "GET /api/portfolios/3": () => ok(portfolioFixture()),
    "GET /api/portfolios/3/analysis": () => ok(analysisFixture()),
    "GET /api/portfolios/3/rebalance": () => ok(rebalanceFixture()),
    "GET /api/data/historical": () => ok({ symbol: "BTC-USD", interval: "1d", data: closes, nextCursor: null }),
    "GET /api/market/symbols": () => ok(SYMBOLS),
    ...patch,
  };
}

const renderDashboard = () => renderWithProviders(<PortfoliosPage />, { path: "/portfolios/3", route: "/portfolios/*" });

describe("the portfolio dashboard", () => {
  it("renders every block from the analysis", async () => {
    serve(routes());
    renderDashboard();
    expect(await screen.findByRole("heading", { level: 1, name: "Conservative Portfolio" })).toBeInTheDocument();
    expect(document.title).toBe("Overview · Conservative Portfolio · Portfolios · Cryptomon");

    // Header: value, P&L and its percent of the money put in, returns per period.
    expect(screen.getByTestId("pf-value")).toHaveTextContent("25,125.00");
    expect(screen.getByTestId("pf-pnl")).toHaveTextContent("+1,125.00");
    expect(screen.getByTestId("pf-pnl-percent")).toHaveTextContent("+4.69% of 24,000.00 put in");
    expect(await screen.findByTestId("twr-7D")).toHaveTextContent("+4.69%");
    expect(screen.getByTestId("twr-30D")).toHaveTextContent("—");
    expect(screen.getByTestId("mwr-ALL")).toHaveTextContent("+5.00%");

    // Warnings and drift breaches.
    const warnings = within(screen.getByTestId("warnings"));
    expect(warnings.getByText(/ETH-USD has no daily close in the lookback/)).toBeInTheDocument();
    expect(warnings.getByText(/Allocation drift \(alert #9\): BTC-USD is 100.0% against a 60.0% target/)).toBeInTheDocument();

    // Positions with the price's source and time, and realised P&L both ways.
    const position = within(screen.getByTestId("position-BTC-USD"));
    expect(position.getByTestId("position-value")).toHaveTextContent("25,125.00");
    expect(position.getByTestId("position-pnl")).toHaveTextContent("+1,125.00 (+4.69%)");
    expect(position.getByText(/webhook/)).toBeInTheDocument();
    expect(screen.getByRole("columnheader", { name: /Realised \(FIFO\)/ })).toBeInTheDocument();
    expect(screen.getByRole("columnheader", { name: /Realised \(average cost\)/ })).toBeInTheDocument();

    // Allocation against targets, with the drift said in words.
    expect(screen.getByTestId("deviation-BTC-USD")).toHaveTextContent("+40.0 pts");
    expect(screen.getByTestId("deviation-ETH-USD")).toHaveTextContent("−30.0 pts");
    expect(screen.getAllByTestId("drift-badge")[0]).toHaveTextContent("Rebalance due");

    // The value chart with BTC-USD rebased to the portfolio's first value; the drawdown chart.
    await waitFor(() => expect(charts.get("value-chart")?.series.map((s) => s.name)).toEqual(["BTC-USD (rebased)", "Portfolio"]));
    const value = charts.get("value-chart")!;
    expect(value.series[0]!.points[0]!.value).toBe(24000);
    expect(value.series[0]!.points.at(-1)!.value).toBeCloseTo((52000 / 50000) * 24000);
    expect(screen.getByTestId("value-chart-note")).toHaveTextContent("BTC-USD rebased to the portfolio's value on its first day");
    const drawdown = charts.get("drawdown-chart")!;
    expect(drawdown.series[0]!.points.map((p) => Math.round(p.value * 100) / 100)).toEqual([0, -4, -12, -2, 0]);

    // Risk figures, each with its exact definition; missing ones say why.
    expect(screen.getByTestId("risk-var95")).toHaveTextContent("−812.40 USD");
    expect(screen.getByTestId("risk-var95")).toHaveAccessibleDescription(/5th percentile of the daily returns of the current holdings over the lookback × the total value/);
    expect(screen.getByTestId("risk-max-drawdown")).toHaveTextContent("−12.50%");
    expect(screen.getByText(/min over the lookback of \(V \/ running peak of V − 1\) × 100/)).toBeInTheDocument();
    expect(screen.getByTestId("risk-volatility")).toHaveAccessibleDescription(/sample standard deviation of the daily returns × √365/);
    expect(screen.getByTestId("risk-sharpe")).toHaveTextContent("1.23");
    expect(screen.getByText(/\(mean daily return × 365 − risk-free rate\) \/ volatility, risk-free rate 2.00%/)).toBeInTheDocument();
    expect(within(screen.getByTestId("risk-extended")).getByText(/under two daily returns in the lookback/)).toBeInTheDocument(); // calmar: null

    // Rebalancing advice with reasons; attribution with totals.
    const trades = within(await screen.findByTestId("rebalance-trades"));
    expect(trades.getByText(/sell 0.2 to bring it to 60.0%/)).toBeInTheDocument();
    expect(trades.getByText("Buy")).toBeInTheDocument();
    const attribution = within(screen.getByTestId("attribution-table"));
    expect(attribution.getByRole("row", { name: /Total \+4.69% \+1.69%/ })).toBeInTheDocument();
  });

  it("revalues the positions as live prices arrive", async () => {
    serve(routes());
    renderDashboard();
    expect(await screen.findByTestId("pf-value")).toHaveTextContent("25,125.00");
    act(() => useLive.setState({ quotes: { "BTC-USD": { price: 52000, change24h: null, volume24h: null, timestamp: "2026-11-24T10:05:00Z", source: "webhook" } } }));
    expect(screen.getByTestId("pf-value")).toHaveTextContent("26,000.00");
    expect(screen.getByTestId("pf-pnl")).toHaveTextContent("+2,000.00");
    expect(within(screen.getByTestId("position-BTC-USD")).getByTestId("position-pnl")).toHaveTextContent("+2,000.00 (+8.33%)");
    expect(screen.getByTestId("pf-live")).toHaveTextContent("at live prices");
  });

  it("keeps the holdings when the analysis fails, and says why the comparison or the advice is missing", async () => {
    serve(
      routes({
        "GET /api/portfolios/3/analysis": () => fail(500, "INTERNAL_ERROR", "Internal error; it was logged with the request id"),
        "GET /api/portfolios/3/rebalance": () => fail(404, "NO_DATA", "no price yet for ETH-USD: cannot size the trades", "symbol"),
      }),
    );
    renderDashboard();
    expect(await screen.findByTestId("analysis-error", {}, { timeout: 4000 })).toHaveTextContent("Internal error");
    expect(screen.getByTestId("pf-value")).toHaveTextContent("25,125.00");
    expect(screen.getByTestId("twr-1D")).toHaveTextContent("—");
    expect(await screen.findByTestId("rebalance-error")).toHaveTextContent("No advice: no price yet for ETH-USD: cannot size the trades.");
  });

  it("says when BTC-USD cannot be compared", async () => {
    serve(routes({ "GET /api/data/historical": () => ok({ symbol: "BTC-USD", interval: "1d", data: [], nextCursor: null }) }));
    renderDashboard();
    await waitFor(() =>
      expect(screen.getByTestId("value-chart-note")).toHaveTextContent("BTC-USD comparison unavailable: no BTC-USD daily closes are stored over these days."),
    );
    expect(charts.get("value-chart")!.label).toMatch(/BTC-USD comparison unavailable/);
  });
});
