import { bandWeight, checkTargets, exactWeights, percentText, percentUnits, toAllocations, weightText, WHOLE } from "./targets";

const row = (key: number, symbol: string, percent: string) => ({ key, symbol, percent });

describe("target percents", () => {
  it("parse to millionths of a percent and back to exact weights", () => {
    expect(percentUnits("60")).toBe(60_000_000);
    expect(percentUnits("33,333333")).toBe(33_333_333);
    expect(percentUnits("100.0000001")).toBeUndefined(); // 7 decimals
    expect(percentUnits("100.5")).toBeUndefined();
    expect(percentUnits("-1")).toBeUndefined();
    expect(weightText(60_000_000)).toBe("0.6");
    expect(weightText(WHOLE)).toBe("1");
    expect(weightText(1)).toBe("0.00000001");
    expect(percentText(0.1)).toBe("10");
    expect(percentText(0.333333333)).toBe("33.333333");
  });

  it("must sum to exactly 100 %, or be none at all", () => {
    expect(checkTargets([]).problem).toBeUndefined();
    const seed = [row(1, "BTC-USD", "60"), row(2, "ETH-USD", "30"), row(3, "USDT", "10")];
    expect(checkTargets(seed)).toMatchObject({ sum: WHOLE, problem: undefined });
    expect(toAllocations(seed)).toEqual({ "BTC-USD": "0.6", "ETH-USD": "0.3", USDT: "0.1" });
    expect(checkTargets(seed.slice(0, 2)).problem).toBe("Targets sum to 90%: add 10% to reach 100%");
    expect(checkTargets([...seed, row(4, "USDC", "0.5")]).problem).toBe("Targets sum to 100.5%: remove 0.5% to get back to 100%");
    const thirds = [row(1, "A", "33.333333"), row(2, "B", "33.333333"), row(3, "C", "33.333334")];
    expect(checkTargets(thirds).problem).toBeUndefined();
  });

  it("names each bad row", () => {
    const check = checkTargets([row(1, "BTC-USD", "abc"), row(2, "BTC-USD", "10"), row(3, "", "5"), row(4, "ETH-USD", "")]);
    expect(check.rows).toEqual({
      1: "A percent from 0 to 100, at most 6 decimals",
      2: "BTC-USD is listed twice",
      3: "Pick a symbol",
      4: "Enter a percent",
    });
    expect(check.problem).toBe("4 target rows need fixing");
  });

  it("rounds the optimiser's weights to sum to exactly 1", () => {
    const weights = exactWeights({ "BTC-USD": 0.7, "ETH-USD": 0.30000000000000004 });
    expect(weights).toEqual({ "BTC-USD": "0.7", "ETH-USD": "0.3" });
    const thirds = exactWeights({ A: 1 / 3, B: 1 / 3, C: 1 / 3 });
    const sum = Object.values(thirds).reduce((s, w) => s + Math.round(Number(w) * WHOLE), 0);
    expect(sum).toBe(WHOLE);
  });

  it("reads a band as a percent strictly between 0 and 100", () => {
    expect(bandWeight("")).toBeUndefined();
    expect(bandWeight("3")).toBe("0.03");
    expect(bandWeight("0")).toBeNull();
    expect(bandWeight("100")).toBeNull();
  });
});
