import { describeCandles, describeSeries } from "./describe";

const at = (iso: string) => Date.parse(iso) / 1000;

describe("chart text alternatives", () => {
  it("summarise candles: count, span, last close, range and lines", () => {
    const candles = [
      { time: at("2025-01-01T00:00:00Z"), high: 101, low: 99, close: 100 },
      { time: at("2025-01-01T01:00:00Z"), high: 105, low: 98, close: 104 },
      { time: at("2025-01-01T02:00:00Z"), high: 104.5, low: 102, close: 103.25 },
    ];
    expect(describeCandles("BTC-USD 1h candles", candles, [{ name: "RSI" }])).toBe(
      "BTC-USD 1h candles: 3 from 2025-01-01 00:00 UTC to 2025-01-01 02:00 UTC; last close 103.25; low 98.00, high 105.00. Lines: RSI.",
    );
    expect(describeCandles("ETH-USD 1d candles", [])).toBe("ETH-USD 1d candles: no candles");
  });

  it("summarise each line series", () => {
    const points = [
      { time: at("2025-01-01T00:00:00Z"), value: 10_000 },
      { time: at("2025-01-02T00:00:00Z"), value: 9_500 },
      { time: at("2025-01-03T00:00:00Z"), value: 11_000 },
    ];
    expect(describeSeries("Equity", [{ name: "Equity", points }])).toBe(
      "Equity. Equity: 3 points from 2025-01-01 00:00 UTC to 2025-01-03 00:00 UTC, first 10,000, last 11,000, low 9,500, high 11,000.",
    );
  });
});
