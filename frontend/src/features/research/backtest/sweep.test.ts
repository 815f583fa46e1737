import type { StrategyInfo } from "../api";
import { buildRequest, defaultDraft, shownFields } from "./draft";
import { countCombinations, countValues, defaultRange } from "./sweep";

const rsi: StrategyInfo = {
  name: "RSI Mean Reversion",
  description: "",
  parameters: [
    { name: "rsiPeriod", default: 14, min: 2, max: 1000, integer: true },
    { name: "buyThreshold", default: 30, min: 1, max: 99, integer: false },
    { name: "sellThreshold", default: 70, min: 1, max: 99, integer: false },
  ],
};

describe("sweep ranges", () => {
  it("counts values as the API does", () => {
    expect(countValues({ enabled: true, min: "5", max: "30", step: "5" })).toBe(6);
    expect(countValues({ enabled: true, min: "0.1", max: "0.3", step: "0.1" })).toBe(3);
    expect(countValues({ enabled: true, min: "30", max: "5", step: "5" })).toBeNull();
    expect(countValues({ enabled: true, min: "5", max: "30", step: "0" })).toBeNull();
    expect(countValues({ enabled: true, min: "", max: "30", step: "1" })).toBeNull();
  });

  it("multiplies the ticked ranges only", () => {
    expect(
      countCombinations({
        a: { enabled: true, min: "1", max: "3", step: "1" },
        b: { enabled: true, min: "10", max: "20", step: "5" },
        c: { enabled: false, min: "x", max: "", step: "" },
      }),
    ).toBe(9);
    expect(countCombinations({ a: { enabled: false, min: "1", max: "3", step: "1" } })).toBeNull();
  });

  it("starts around the default, inside the bounds", () => {
    expect(defaultRange(rsi.parameters[0]!, true)).toEqual({ enabled: true, min: "7", max: "21", step: "4" });
    expect(defaultRange({ name: "p", default: 3, min: 2, max: 4, integer: true }, false)).toEqual({ enabled: false, min: "2", max: "4", step: "1" });
  });
});

describe("buildRequest", () => {
  it("sends the form's values with the strategy's defaults for untouched parameters", () => {
    const draft = { ...defaultDraft(Date.parse("2026-11-24T00:00:00Z")), params: { buyThreshold: "25" }, rangeMode: "dates" as const, from: "2025-02-01", to: "2025-12-01", stopLoss: "0.05" };
    expect(buildRequest(draft, rsi)).toEqual({
      strategyName: "RSI Mean Reversion",
      symbol: "BTC-USD",
      interval: "1h",
      period: "1y",
      from: "2025-02-01T00:00:00Z",
      to: "2025-12-01T00:00:00Z",
      parameters: { rsiPeriod: 14, buyThreshold: 25, sellThreshold: 70 },
      initialCapital: 10000,
      fees: 0.001,
      slippage: 0.0005,
      sizing: "ALL_IN",
      direction: "LONG_ONLY",
      stopLoss: 0.05,
    });
  });

  it("sends Rules formulas and sizing when they are used", () => {
    const draft = { ...defaultDraft(), strategyName: "Rules", sizing: "FRACTION" as const, size: "0.5", period: "90d" };
    const request = buildRequest(draft, undefined);
    expect(request.parameters).toEqual({ entry: "CROSSOVER(EMA(CLOSE, 12), EMA(CLOSE, 26))", exit: "RSI(14) > 70" });
    expect(request).toMatchObject({ period: "90d", sizing: "FRACTION", size: 0.5 });
    expect(request.from).toBeUndefined();
    expect(shownFields(draft, undefined)).toEqual(expect.arrayContaining(["parameters.entry", "size", "period"]));
  });
});
