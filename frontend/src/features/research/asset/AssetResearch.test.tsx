import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { apiError, mockApi, renderWithProviders, symbols } from "@/test/utils";
import type { Analysis } from "./api";
import AssetResearch from "./AssetResearch";
import { recordedBtc, withOnChain } from "./fixtures";

vi.mock("@/components/charts/LineChart", () => ({
  LineChart: ({ label, testId }: { label: string; testId?: string }) => <div data-testid={testId}>{label}</div>,
}));

const list = (...analyses: Analysis[]) => ({ body: { analyses, count: analyses.length } });

function open(routes: Parameters<typeof mockApi>[0], path = "/research/asset?symbol=BTC-USD") {
  const calls = mockApi({ "GET /api/market/symbols": { body: symbols }, "GET /api/analysis": list(), ...routes });
  renderWithProviders(<AssetResearch />, { path, route: "/research/asset" });
  return calls;
}

describe("AssetResearch", () => {
  it("runs an analysis and shows every card of the recorded snapshot response", async () => {
    const calls = open({ "POST /api/analysis/fundamental": { body: recordedBtc } });
    fireEvent.change(await screen.findByLabelText("Timeframe"), { target: { value: "30d" } });
    fireEvent.click(screen.getByLabelText(/^On-chain/));
    fireEvent.click(screen.getByLabelText(/^On-chain/));
    fireEvent.click(screen.getByRole("button", { name: "Run analysis" }));

    const heading = await screen.findByRole("heading", { level: 2, name: "BTC-USD · 30d" });
    await waitFor(() => expect(heading).toHaveFocus());
    expect(calls.find((c) => c.route === "POST /api/analysis/fundamental")?.body).toEqual({
      symbol: "BTC-USD",
      timeframe: "30d",
      sources: ["COINGECKO", "COINMARKETCAP", "ETHERSCAN", "ESPLORA", "DEFILLAMA"],
      includeOnChain: true,
      includeSentiment: true,
    });
    // Market cap: its source and date as the focusable figure's description.
    const cap = screen.getByTestId("figure-marketCap");
    expect(cap).toHaveTextContent("$544B");
    expect(cap).toHaveAttribute("tabindex", "0");
    expect(cap).toHaveAccessibleDescription("CoinGecko · snapshot recorded 2023-10-08 20:12 UTC, not live");
    expect(screen.getByTestId("fundamentals-snapshot")).toHaveTextContent("SNAPSHOT — recorded 2023-10-08, not live");
    expect(screen.getByTestId("conflicts")).toHaveTextContent("CoinMarketCap: $60.9B (2019-02-04) — not compared: the figures were taken 1,707 days apart");
    // Unavailable figures say why, never blank.
    expect(screen.getByTestId("unavailable-tvl")).toHaveTextContent("Unavailable — offline: no DeFiLlama snapshot is bundled");
    expect(screen.getByTestId("unavailable-marketCapToTvl")).toHaveTextContent("Unavailable — offline: no DeFiLlama snapshot is bundled");
    expect(screen.getByTestId("unavailable-inflow")).toHaveTextContent("Unavailable — offline: no Esplora snapshot is bundled");
    expect(screen.getByTestId("whales-empty")).toHaveTextContent("No whale transfer to show.");
    // Sentiment: the gauge's value and class in text, no score chart without posts.
    expect(screen.getByRole("img", { name: "Fear & Greed index: 47 of 100, Neutral" })).toBeInTheDocument();
    expect(screen.getByTestId("fear-greed-value")).toHaveTextContent("47");
    expect(screen.getByTestId("fear-greed-chart")).toBeInTheDocument();
    expect(screen.getByTestId("score-too-few")).toHaveTextContent("No post about the asset in the timeframe");
    expect(within(screen.getByTestId("social-volume")).getByText("Reddit").closest("tr")).toHaveTextContent("offline: no Reddit snapshot is bundled");
    // The recommendation: action, confidence, five components, the disclaimer verbatim.
    expect(screen.getByTestId("recommendation-action")).toHaveTextContent("HOLD");
    expect(screen.getByTestId("recommendation-confidence")).toHaveTextContent("15%");
    const rows = within(screen.getByTestId("components-table")).getAllByRole("row").slice(1);
    expect(rows).toHaveLength(5);
    expect(rows[4]).toHaveTextContent(/Fear & Greed\s*47\s*\+0\.06\s*15%\s*\+0\.060\s*contrarian/);
    expect(rows[1]).toHaveTextContent("no technical analysis: No 1d candles for BTC-USD in that period");
    expect(screen.getByTestId("disclaimer")).toHaveTextContent(recordedBtc.disclaimer!);
  });

  it("follows a PENDING analysis (202) until it is stored", async () => {
    const pending = { ...recordedBtc, status: "PENDING" as const, jobId: "job-1", marketCap: null, components: [] };
    let asked = 0;
    open({
      "POST /api/analysis/fundamental": { status: 202, body: pending },
      [`GET /api/analysis/${recordedBtc.analysisId}`]: () => ({ body: ++asked < 2 ? pending : recordedBtc }),
    });
    fireEvent.click(await screen.findByRole("button", { name: "Run analysis" }));
    expect(await screen.findByTestId("asset-pending")).toHaveTextContent("Waiting for the providers (BTC-USD, job job-1)");
    expect(screen.getByRole("button", { name: "Running…" })).toBeDisabled();
    expect(await screen.findByTestId("figure-marketCap", {}, { timeout: 5000 })).toHaveTextContent("$544B");
    expect(asked).toBe(2);
  });

  it("shows the API's INVALID_SYMBOL beside the symbol and a 422 beside its field", async () => {
    open({ "POST /api/analysis/fundamental": apiError(400, "INVALID_SYMBOL", "Symbol NOPE-USD not found", "symbol") }, "/research/asset?symbol=NOPE-USD");
    fireEvent.click(await screen.findByRole("button", { name: "Run analysis" }));
    expect(await screen.findByText("Symbol NOPE-USD not found")).toHaveAttribute("id", "asset-symbol-error");
    expect(screen.getByLabelText("Symbol")).toHaveAttribute("aria-invalid", "true");
  });

  it("puts a 422 about a source under the sources, and asks for one before sending", async () => {
    const calls = open({
      "POST /api/analysis/fundamental": apiError(422, "VALIDATION_ERROR", "sources.0: Input should be 'COINGECKO'", "sources.0", [
        { field: "sources.0", message: "Input should be 'COINGECKO'" },
      ]),
    });
    fireEvent.click(await screen.findByRole("button", { name: "Run analysis" }));
    expect(await screen.findByText("Input should be 'COINGECKO'")).toHaveAttribute("id", "asset-sources-error");
    for (const name of [/^CoinGecko/, /^CoinMarketCap/, /^Etherscan/, /^Esplora/, /^DeFiLlama/]) fireEvent.click(screen.getByLabelText(name));
    fireEvent.click(screen.getByRole("button", { name: "Run analysis" }));
    expect(await screen.findByText("Choose at least one source")).toBeInTheDocument();
    expect(calls.filter((c) => c.route.startsWith("POST"))).toHaveLength(1);
  });

  it("reopens a previous analysis from the list", async () => {
    open({ "GET /api/analysis": list(withOnChain, recordedBtc), [`GET /api/analysis/${withOnChain.analysisId}`]: { body: withOnChain } });
    const link = await screen.findByRole("link", { name: "ETH-USD · 90d" });
    expect(link).toHaveAttribute("href", `/research/asset?symbol=ETH-USD&timeframe=90d&analysis=${withOnChain.analysisId}`);
    fireEvent.click(link);
    await waitFor(() => expect(screen.getByRole("heading", { level: 2, name: "ETH-USD · 90d" })).toHaveFocus());
    expect(screen.getByRole("link", { name: "ETH-USD · 90d" })).toHaveAttribute("aria-current", "true");
  });
});

describe("the cards with on-chain data and posts", () => {
  beforeEach(() => {
    open({ [`GET /api/analysis/${withOnChain.analysisId}`]: { body: withOnChain } }, `/research/asset?analysis=${withOnChain.analysisId}`);
  });

  it("lists whale transfers with labels, direction and an explorer link in a new tab", async () => {
    const table = await screen.findByTestId("whale-table");
    const rows = within(table).getAllByRole("row").slice(1);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveTextContent(/2026-12-03 18:02.*4,200 ETH.*\$12\.6M.*Binance 14.*From an exchange/);
    const link = within(rows[0]!).getByRole("link");
    expect(link).toHaveAttribute("href", withOnChain.onChainMetrics!.whales[0]!.explorerUrl);
    expect(link).toHaveAttribute("target", "_blank");
    expect(link).toHaveAttribute("rel", "noopener noreferrer");
    expect(link).toHaveAccessibleName(/on the block explorer \(opens in a new tab\)/);
    expect(screen.getByTestId("figure-inflow")).toHaveTextContent("$4.10M");
    expect(screen.getByTestId("figure-outflow")).toHaveTextContent("$12.6M");
    expect(screen.getByTestId("figure-tvl")).toHaveAccessibleDescription("DeFiLlama · live, as of 2026-12-03 00:00 UTC");
    expect(screen.getByTestId("tvl-chart")).toHaveTextContent("TVL of Ethereum in USD");
    expect(screen.getByText(/safe \/ standard \/ fast/)).toBeInTheDocument();
    expect(screen.getByTestId("unavailable-activeAddresses")).toHaveTextContent(/^Unavailable — no configured provider publishes daily active addresses/);
    expect(screen.queryByTestId("onchain-snapshot")).toBeNull(); // every on-chain figure here is live
  });

  it("draws our score over the days with posts and lists the posts newest first", async () => {
    expect(await screen.findByTestId("score-chart")).toBeInTheDocument();
    const posts = within(screen.getByTestId("posts")).getAllByRole("listitem");
    expect(posts.map((p) => within(p).getByRole("link").textContent)).toEqual([
      "Staking withdrawals slow (opens in a new tab)",
      "Ethereum fees fall to a four-year low (opens in a new tab)",
      "Ether ETFs log a third day of inflows (opens in a new tab)",
    ]);
    expect(posts[1]).toHaveTextContent("NEUTRAL 0.44");
    expect(screen.getByTestId("figure-score")).toHaveTextContent("0.62 BULLISH");
  });
});
