import { fireEvent, screen, waitFor } from "@testing-library/react";
import { useAuth } from "@/stores/auth";
import { useUi } from "@/stores/ui";
import { apiError, mockApi, renderWithProviders, symbols, type Call, type Reply } from "@/test/utils";
import MarketsPage from "./MarketsPage";
import { useChartView } from "./watchlistStore";

// The chart is ChartPanel's own test; here only the watchlist matters.
vi.mock("./ChartPanel", () => ({ ChartPanel: ({ symbol }: { symbol: string }) => <div data-testid="chart">{symbol}</div> }));

const registry = [
  ...symbols,
  { symbol: "SOL-USD", name: "Solana", coingeckoId: "solana", coinmarketcapId: 5426, binancePair: "SOLUSDT", coinbaseProduct: "SOL-USD", stablecoin: false },
];
const me = (watchlist: string[]) => ({
  id: 7,
  email: "alice@example.com",
  displayName: "Alice",
  role: "user",
  preferences: { channels: {}, interests: [], riskProfile: null, watchlist, theme: "system" },
  createdAt: "2026-11-24T08:00:00Z",
});
const prices = { body: registry.map((a) => ({ symbol: a.symbol, price: 1, source: "REPLAY", timestamp: "2026-11-24T00:00:00Z" })) };
const tiles = () => screen.getAllByTestId(/^tile-[A-Z]+-USD$/).map((el) => el.dataset.testid?.slice(5));

function routes(watchlist: string[], patch: (call: Call) => Reply = (call) => ({ body: me((call.body as { preferences: { watchlist: string[] } }).preferences.watchlist) })) {
  return mockApi({
    "GET /api/users/me": { body: me(watchlist) },
    "GET /api/market/symbols": { body: registry },
    "GET /api/market/prices": prices,
    "PATCH /api/users/me": patch,
  });
}

describe("MarketsPage watchlist", { timeout: 20_000 }, () => {
  beforeEach(() => {
    useAuth.setState({ tokens: { accessToken: "a", refreshToken: "r" }, user: { id: 7, email: "alice@example.com", role: "user" } });
    useUi.setState({ toasts: [] });
    useChartView.setState({ symbols: null });
  });

  it("shows the account's watchlist (the one Settings edits), in its order", async () => {
    routes(["SOL-USD", "BTC-USD"]);
    renderWithProviders(<MarketsPage />);
    await waitFor(() => expect(tiles()).toEqual(["SOL-USD", "BTC-USD"]));
  });

  it("removing a tile saves the rest to the account; an emptied list says so", async () => {
    const calls = routes(["BTC-USD", "ETH-USD"]);
    renderWithProviders(<MarketsPage />);
    await waitFor(() => expect(tiles()).toEqual(["BTC-USD", "ETH-USD"]));

    fireEvent.click(screen.getByRole("button", { name: "Remove ETH-USD from the watchlist" }));
    await waitFor(() => expect(tiles()).toEqual(["BTC-USD"]));
    expect(calls.filter((c) => c.route === "PATCH /api/users/me").map((c) => c.body)).toEqual([{ preferences: { watchlist: ["BTC-USD"] } }]);

    fireEvent.click(screen.getByRole("button", { name: "Remove BTC-USD from the watchlist" }));
    expect(await screen.findByText("Your watchlist is empty")).toBeInTheDocument();
    expect(calls.filter((c) => c.route === "PATCH /api/users/me").at(-1)?.body).toEqual({ preferences: { watchlist: [] } });
  });

  it("adds the picked symbol to the account's list", async () => {
    const calls = routes(["BTC-USD"]);
    renderWithProviders(<MarketsPage />);
    await waitFor(() => expect(tiles()).toEqual(["BTC-USD"]));
    fireEvent.change(screen.getByLabelText("Watch", { exact: true }), { target: { value: "SOL-USD" } });
    fireEvent.click(screen.getByRole("button", { name: "Add" }));
    await waitFor(() => expect(tiles()).toEqual(["BTC-USD", "SOL-USD"]));
    expect(calls.find((c) => c.route === "PATCH /api/users/me")?.body).toEqual({ preferences: { watchlist: ["BTC-USD", "SOL-USD"] } });
  });

  it("puts the saved list back and says so when saving fails", async () => {
    routes(["BTC-USD", "ETH-USD"], () => apiError(503, "SERVICE_UNAVAILABLE", "Database unavailable"));
    renderWithProviders(<MarketsPage />);
    await waitFor(() => expect(tiles()).toEqual(["BTC-USD", "ETH-USD"]));
    fireEvent.click(screen.getByRole("button", { name: "Remove BTC-USD from the watchlist" }));
    await waitFor(() => expect(useUi.getState().toasts.map((t) => t.title)).toContain("Could not save your watchlist"));
    await waitFor(() => expect(tiles()).toEqual(["BTC-USD", "ETH-USD"]));
  });

  it("moves a watchlist an earlier version kept in this browser to an account that has none", async () => {
    useChartView.setState({ symbols: ["ETH-USD"] });
    const calls = routes([]);
    renderWithProviders(<MarketsPage />);
    await waitFor(() => expect(tiles()).toEqual(["ETH-USD"]));
    expect(calls.find((c) => c.route === "PATCH /api/users/me")?.body).toEqual({ preferences: { watchlist: ["ETH-USD"] } });
    expect(useChartView.getState().symbols).toBeNull();
  });

  it("says so when the watchlist cannot be loaded, instead of loading for ever", async () => {
    mockApi({
      "GET /api/users/me": apiError(503, "SERVICE_UNAVAILABLE", "Database unavailable"),
      "GET /api/market/symbols": { body: registry },
      "GET /api/market/prices": prices,
    });
    renderWithProviders(<MarketsPage />);
    expect(await screen.findByText("Could not load your watchlist: Database unavailable")).toBeInTheDocument();
  });
});
