import { screen } from "@testing-library/react";
import { useAuth } from "@/stores/auth";
import ResearchPage from "./ResearchPage";
import { bar, historical, mockApi, renderPage, symbols } from "./testUtils";

vi.mock("@/api/client", async () => {
  const actual = await vi.importActual<typeof import("@/api/client")>("@/api/client");
  const { testClient } = await import("./testUtils");
  return { ...actual, api: testClient() };
});
vi.mock("@/components/charts/CandleChart", () => ({ CandleChart: () => <div data-testid="candle-chart" /> }));
vi.mock("@/components/charts/LineChart", () => ({ LineChart: () => <div data-testid="line-chart" /> }));

beforeEach(() => {
  useAuth.setState({ tokens: { accessToken: "a", refreshToken: "r" }, user: { id: 7, email: "u@example.com", role: "user" } });
  mockApi({
    "GET /api/market/symbols": { body: symbols },
    "GET /api/data/historical": { body: historical([bar("2025-03-01T00:00:00Z", 100)]) },
    "GET /api/indicators/custom": { body: [] },
    "GET /api/backtest/strategies": { body: [] },
    "GET /api/backtest": { body: [] },
  });
});

it("opens on the data explorer and links the three tabs", async () => {
  renderPage(<ResearchPage />, "/research");
  expect(await screen.findByRole("button", { name: "Load candles" })).toBeInTheDocument();
  const tabs = screen.getByRole("navigation", { name: "Research sections" });
  expect(tabs.querySelectorAll("a")).toHaveLength(3);
  expect(screen.getByRole("link", { name: "Data explorer" })).toHaveClass("active");
  expect(screen.getByRole("link", { name: "Indicator builder" })).toHaveAttribute("href", "/research/indicators");
  expect(screen.getByRole("link", { name: "Backtests" })).toHaveAttribute("href", "/research/backtest");
});

it("shows each tab at its own path, with empty states that say what to do", async () => {
  renderPage(<ResearchPage />, "/research/indicators");
  expect(await screen.findByText("No custom indicators yet")).toBeInTheDocument();
  expect(screen.getByRole("link", { name: "Indicator builder" })).toHaveClass("active");
});

it("says how to start on the backtest tab", async () => {
  renderPage(<ResearchPage />, "/research/backtest");
  expect(await screen.findByText("No backtests yet")).toBeInTheDocument();
  expect(screen.getByText("No run selected")).toBeInTheDocument();
});
