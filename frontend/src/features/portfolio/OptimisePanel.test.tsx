import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { useAuth } from "@/stores/auth";
import { apiError, mockApi, renderWithProviders } from "@/test/utils";
import { portfolioFixture } from "./fixtures";
import { OptimisePanel } from "./OptimisePanel";

beforeEach(() => {
  useAuth.setState({ tokens: { accessToken: "a", refreshToken: "r" }, user: { id: 7, email: "u@example.com", role: "user" } });
});

const proposal = { portfolioId: 3, method: "HRP", weights: { "BTC-USD": 0.7, "ETH-USD": 0.30000000000000004 }, expectedReturn: 0.175, volatility: 0.4988, sharpeRatio: 0.35, lookbackDays: 365, excluded: ["USDT"], library: "skfolio 1.12" };

describe("OptimisePanel", () => {
  it("proposes weights within the cap, says they leave cash out, and applies them as exact targets", async () => {
    const calls = mockApi({
      "POST /api/portfolios/3/optimize": { body: proposal },
      "PATCH /api/portfolios/3": { body: portfolioFixture({ targetAllocations: { "BTC-USD": 0.7, "ETH-USD": 0.3 } }) },
    });
    renderWithProviders(<OptimisePanel portfolio={portfolioFixture()} />);
    fireEvent.click(screen.getByLabelText(/^Hierarchical risk parity/));
    fireEvent.change(screen.getByLabelText("Cap per asset (%)"), { target: { value: "70" } });
    fireEvent.click(screen.getByRole("button", { name: "Optimise" }));
    expect(screen.getByTestId("optimise-progress")).toHaveTextContent("first run loads the optimiser");
    const result = within(await screen.findByTestId("optimise-result"));
    expect(calls[0]?.body).toEqual({ method: "HRP", lookbackDays: 365, defaultBounds: { min: 0, max: 0.7 } });
    expect(result.getByRole("row", { name: /ETH-USD 30.00% 30.00%/ })).toBeInTheDocument();
    expect(result.getByTestId("optimise-cash")).toHaveTextContent("leave out cash (USDT)");
    expect(result.getByTestId("optimise-cash")).toHaveTextContent("USDT (now 10.0%) would have no target");
    fireEvent.click(result.getByRole("button", { name: "Apply as targets" }));
    await waitFor(() => expect(calls.find((c) => c.method === "PATCH")?.body).toEqual({ targetAllocations: { "BTC-USD": "0.7", "ETH-USD": "0.3" } }));
    expect(await result.findByRole("button", { name: "Applied as targets" })).toBeDisabled();
  });

  it("shows why it cannot optimise by the field the API names", async () => {
    mockApi({ "POST /api/portfolios/3/optimize": apiError(404, "NO_DATA", "no daily closes in the lookback for ETH-USD", "lookbackDays") });
    renderWithProviders(<OptimisePanel portfolio={portfolioFixture()} />);
    fireEvent.click(screen.getByRole("button", { name: "Optimise" }));
    expect(await screen.findByText("no daily closes in the lookback for ETH-USD")).toHaveAttribute("id", "opt-lookback-error");
  });

  it("says why it cannot weigh a single asset instead of asking", () => {
    mockApi({});
    renderWithProviders(<OptimisePanel portfolio={portfolioFixture({ targetAllocations: { "BTC-USD": 0.8, USDT: 0.2 } })} />);
    expect(screen.getByTestId("optimise-needs")).toHaveTextContent("at least two non-cash assets; this portfolio has only BTC-USD");
    expect(screen.getByRole("button", { name: "Optimise" })).toBeDisabled();
  });
});
