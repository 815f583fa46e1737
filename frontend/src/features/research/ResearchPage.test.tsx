import { screen } from "@testing-library/react";
import { useAuth } from "@/stores/auth";
import { bar, historical, mockApi, renderWithProviders, symbols } from "@/test/utils";
import ResearchPage from "./ResearchPage";

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

it("opens on the data explorer and links the four tabs", async () => {
  renderWithProviders(<ResearchPage />, { path: "/research", route: "/research/*" });
  expect(await screen.findByRole("button", { name: "Load candles" })).toBeInTheDocument();
  const tabs = screen.getByRole("navigation", { name: "Research sections" });
  expect(tabs.querySelectorAll("a")).toHaveLength(4);
  expect(screen.getByRole("link", { name: "Data explorer" })).toHaveClass("active");
  expect(screen.getByRole("link", { name: "Indicator builder" })).toHaveAttribute("href", "/research/indicators");
  expect(screen.getByRole("link", { name: "Backtests" })).toHaveAttribute("href", "/research/backtest");
  expect(screen.getByRole("link", { name: "Asset research" })).toHaveAttribute("href", "/research/asset");
});

it("shows each tab at its own path, with empty states that say what to do", async () => {
  renderWithProviders(<ResearchPage />, { path: "/research/indicators", route: "/research/*" });
  expect(await screen.findByText("No custom indicators yet")).toBeInTheDocument();
  expect(screen.getByRole("link", { name: "Indicator builder" })).toHaveClass("active");
});

it("says how to start on the backtest tab", async () => {
  renderWithProviders(<ResearchPage />, { path: "/research/backtest", route: "/research/*" });
  expect(await screen.findByText("No backtests yet")).toBeInTheDocument();
  expect(screen.getByText("No run selected")).toBeInTheDocument();
});
