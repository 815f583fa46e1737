import { defaultDraft } from "./draft";
import { draftFromQuery } from "./query";

const NOW = Date.parse("2026-11-24T00:00:00Z");
const parse = (search: string) => draftFromQuery(new URLSearchParams(search), NOW);

describe("draftFromQuery", () => {
  it("prefills a lesson's RSI mean-reversion backtest", () => {
    expect(parse("strategyName=RSI%20Mean%20Reversion&symbol=BTC-USD&period=1y&p.rsiPeriod=14&p.buyThreshold=30&p.sellThreshold=70")).toEqual({
      ...defaultDraft(NOW),
      strategyName: "RSI Mean Reversion",
      symbol: "BTC-USD",
      period: "1y",
      params: { rsiPeriod: "14", buyThreshold: "30", sellThreshold: "70" },
    });
  });

  it("takes the interval, a date range, money, sizing and stops, and a Rules strategy's formulas", () => {
    expect(parse("strategyName=MACD%20Crossover&interval=4h&period=90d&fees=0.002&sizing=FRACTION&size=0.5&stopLoss=0.05&direction=LONG_SHORT")).toMatchObject({
      strategyName: "MACD Crossover",
      interval: "4h",
      period: "90d",
      rangeMode: "period",
      fees: "0.002",
      sizing: "FRACTION",
      size: "0.5",
      stopLoss: "0.05",
      direction: "LONG_SHORT",
    });
    expect(parse("from=2025-02-01&to=2025-12-01")).toMatchObject({ rangeMode: "dates", from: "2025-02-01", to: "2025-12-01" });
    const rules = parse("strategyName=Rules&p.entry=RSI(14)%20%3C%2030&p.exit=RSI(14)%20%3E%2070&p.rsiPeriod=3");
    expect(rules.rules).toMatchObject({ entry: "RSI(14) < 30", exit: "RSI(14) > 70" });
    expect(rules.params).toEqual({});
  });

  it("ignores unknown keys and values the form would not take", () => {
    expect(parse("")).toEqual(defaultDraft(NOW));
    expect(parse("strategyName=<b>x</b>&symbol=btc usd&interval=2h&period=forever&from=yesterday&sizing=ALL&fees=cheap&p.rsiPeriod=fourteen&p.=1&run=BT-1&evil=1")).toEqual(defaultDraft(NOW));
  });
});
