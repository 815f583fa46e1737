import { act, screen, within } from "@testing-library/react";
import { useLive } from "@/realtime/socket";
import { useAuth } from "@/stores/auth";
import { ok, renderWithProviders, serve } from "@/test/utils";
import { portfolioFixture } from "./fixtures";
import PortfoliosPage from "./PortfoliosPage";

beforeEach(() => {
  useAuth.setState({ tokens: { accessToken: "a", refreshToken: "r" }, user: { id: 7, email: "u@example.com", role: "user" } });
  useLive.setState({ quotes: {} });
});

const renderList = () => renderWithProviders(<PortfoliosPage />, { path: "/portfolios", route: "/portfolios/*" });

describe("PortfolioList", () => {
  it("explains what a portfolio is and offers to create one when there is none", async () => {
    serve({ "GET /api/portfolios": () => ok([]) });
    renderList();
    const empty = (await screen.findByText("No portfolios yet")).closest(".empty") as HTMLElement;
    expect(empty).toHaveTextContent(/tracks what you hold from the transactions you record/);
    expect(within(empty).getByRole("link", { name: "Create a portfolio" })).toHaveAttribute("href", "/portfolios/new");
    expect(document.title).toBe("Portfolios · Cryptomon");
  });

  it("shows each portfolio's value, P&L and drift in words, revalued by live prices", async () => {
    const calm = portfolioFixture({ portfolioId: 4, name: "Calm", rebalancingNeeded: false, maxDeviation: 0.01, targetAllocations: { "BTC-USD": 1 } });
    const closed = portfolioFixture({ portfolioId: 5, name: "Closed", dayChange: -125.5, dayChangePercent: -0.5 });
    serve({ "GET /api/portfolios": () => ok([portfolioFixture(), calm, closed]) });
    renderList();
    const row = within(await screen.findByTestId("portfolio-row-3"));
    expect(row.getByRole("link", { name: "Conservative Portfolio" })).toHaveAttribute("href", "/portfolios/3");
    expect(row.getByTestId("portfolio-value")).toHaveTextContent("25,125.00");
    expect(row.getByTestId("portfolio-pnl")).toHaveTextContent("+1,125.00 (+4.69%)");
    expect(row.getByTestId("drift-badge")).toHaveTextContent("Rebalance due · drift 40.0% > ±3.0%");
    expect(within(screen.getByTestId("portfolio-row-4")).getByTestId("drift-ok")).toHaveTextContent("Within ±3.0%");
    // No live quote: the API's change since the last daily close where it has one.
    expect(screen.getByRole("columnheader", { name: /Day change/ })).toBeInTheDocument();
    expect(within(screen.getByTestId("portfolio-row-5")).getByTitle("Since the last daily close (UTC)")).toHaveTextContent("−125.50 since close");
    expect(row.getByText("no quote")).toBeInTheDocument();

    act(() => useLive.setState({ quotes: { "BTC-USD": { price: 52000, change24h: 0.04, volume24h: null, timestamp: "2026-11-24T10:01:00Z" } } }));
    expect(row.getByTestId("portfolio-value")).toHaveTextContent("26,000.00");
    expect(row.getByTestId("portfolio-pnl")).toHaveTextContent("+2,000.00 (+8.33%)");
    expect(row.getByText("+1,000.00")).toBeInTheDocument(); // the live 24 h change: 0.5 x 52,000 x 0.04 / 1.04
  });
});
