import { recordedBtc, recordedEth } from "./fixtures";
import { conflictLines, dailyScores, provenanceText, reasonsFor, snapshotBadgeText, snapshotDays, unavailableText, usd, usdPrice } from "./provenance";

describe("asset research wording", () => {
  it("writes dollars at three significant digits, prices with cents", () => {
    expect(usd(60886038568.19836)).toBe("$60.9B");
    expect(usd(4998928970.98657)).toBe("$5.00B");
    expect(usd(544217319000)).toBe("$544B");
    expect(usd(null)).toBe("–");
    expect(usdPrice(27887)).toBe("$27,887.00");
  });

  it("says where a figure came from and that a snapshot is not live", () => {
    expect(provenanceText(recordedBtc.sources.marketCap!)).toBe("CoinGecko · snapshot recorded 2023-10-08 20:12 UTC, not live");
    expect(provenanceText({ source: "DeFiLlama", asOf: "2026-12-03T00:00:00Z", cached: true, mode: "live" })).toBe(
      "DeFiLlama · live, as of 2026-12-03 00:00 UTC (cached)",
    );
  });

  it("badges a card's snapshot with its recording days", () => {
    expect(snapshotBadgeText(snapshotDays(recordedBtc, ["marketCap", "price", "fundamentals.rank"]))).toBe("SNAPSHOT — recorded 2023-10-08, not live");
    expect(snapshotBadgeText(snapshotDays(recordedBtc, ["sentiment.fearGreedIndex", "sentiment.posts"]))).toBe(
      "SNAPSHOT — recorded 2025-04-22 (alternative.me), 2026-09-25 (RSS), not live",
    );
    expect(snapshotDays(recordedBtc, ["onChainMetrics.tvl"])).toEqual([]);
  });

  it("gives the providers' reasons for a missing figure, without repeating a name", () => {
    expect(unavailableText(reasonsFor(recordedBtc, "onChainMetrics.tvl"))).toBe("Unavailable — offline: no DeFiLlama snapshot is bundled");
    expect(unavailableText(reasonsFor(recordedBtc, "onChainMetrics.activeAddresses"))).toMatch(/^Unavailable — no configured provider publishes/);
    expect(unavailableText(reasonsFor(recordedEth, "marketCap"))).toBe("Unavailable — CoinMarketCap has no quote for id 1027");
    expect(unavailableText(reasonsFor(recordedBtc, "sentiment.score"))).toBe(
      "Unavailable — offline: no Reddit snapshot is bundled; offline: no X snapshot is bundled; no post in the timeframe mentions the asset",
    );
    expect(unavailableText([])).toMatch(/neither a figure nor a reason/);
  });

  it("shows conflicting figures with their dates and why they were not compared", () => {
    expect(conflictLines(recordedBtc.conflicts[0]!)).toEqual(["CoinMarketCap: $60.9B (2019-02-04) — not compared: the figures were taken 1,707 days apart"]);
    const compared = { field: "price", used: "CoinGecko", spread: 0.0123, note: null, values: [
      { source: "CoinGecko", value: 100, asOf: "2026-12-03T00:00:00Z" },
      { source: "CoinMarketCap", value: 101.23, asOf: "2026-12-03T00:01:00Z" },
    ] };
    expect(conflictLines(compared)).toEqual(["CoinMarketCap: $101.23 (2026-12-03) — spread 1.2% of the figure used"]);
  });

  it("averages the posts' scores by UTC day", () => {
    expect(
      dailyScores([
        { publishedAt: "2026-12-02T15:00:00Z", score: 0.7 },
        { publishedAt: "2026-12-01T09:00:00Z", score: 0.5 },
        { publishedAt: "2026-12-02T01:00:00Z", score: 0.3 },
      ]),
    ).toEqual([
      { time: Date.parse("2026-12-01T00:00:00Z") / 1000, value: 0.5 },
      { time: Date.parse("2026-12-02T00:00:00Z") / 1000, value: 0.5 },
    ]);
  });
});
