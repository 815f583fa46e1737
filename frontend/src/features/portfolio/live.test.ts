import { portfolioFixture, positionFixture } from "./fixtures";
import { allocationRows, revalue, watchedSymbols } from "./live";

const quote = (price: number, timestamp = "2026-11-24T10:00:05Z", change24h: number | null = null) => ({ price, change24h, volume24h: null, timestamp, source: "webhook" });

describe("live valuation", () => {
  it("is the API's own figures without a newer quote", () => {
    const live = revalue(portfolioFixture(), { "BTC-USD": quote(40000, "2026-11-24T09:00:00Z") });
    expect(live).toMatchObject({ totalValue: 25125, totalPnL: 1125, unrealisedPnl: 1125, netInvested: 24000, live: false });
  });

  it("moves value, P&L and weights with a newer quote", () => {
    const live = revalue(portfolioFixture(), { "BTC-USD": quote(52000) });
    expect(live).toMatchObject({ totalValue: 26000, totalPnL: 2000, unrealisedPnl: 2000, live: true });
    expect(live.positions[0]).toMatchObject({ currentPrice: 52000, currentValue: 26000, pnl: 2000, pnlPercent: 8.33 });
  });

  it("derives the 24h change when every non-cash holding has a quote saying it", () => {
    const portfolio = portfolioFixture({
      positions: [positionFixture(), positionFixture({ symbol: "USD", quantity: 100, currentPrice: 1, currentValue: 100, entryPrice: 1, pnl: 0, price: { source: "peg", asOf: null } })],
    });
    expect(revalue(portfolio, { "BTC-USD": quote(50250) }).dayChange).toBeNull();
    const change = revalue(portfolio, { "BTC-USD": quote(50250, undefined, 0.05) }).dayChange;
    expect(change).toBeCloseTo((25125 * 0.05) / 1.05, 6);
  });

  it("lists every target and held symbol against its target", () => {
    const rows = allocationRows({ "BTC-USD": 1 }, { "BTC-USD": 0.6, "ETH-USD": 0.3, USDT: 0.1 }, 0.03, true);
    expect(rows.map((r) => [r.symbol, r.deviation, r.outside])).toEqual([
      ["BTC-USD", 0.4, true],
      ["ETH-USD", -0.3, true],
      ["USDT", -0.1, true],
    ]);
    expect(watchedSymbols([portfolioFixture({ targetAllocations: { USD: 0.5, "ETH-USD": 0.5 } })])).toEqual(["BTC-USD", "ETH-USD"]);
  });
});
