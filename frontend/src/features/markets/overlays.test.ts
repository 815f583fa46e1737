import { builtinFormula, builtinLabel, builtinOutputs, builtinPane, paneByMagnitude, parseOverlay } from "./overlays";

describe("overlay placement", () => {
  it("puts moving averages, bands and channels on the price, oscillators under it", () => {
    expect(builtinPane({ name: "SMA", group: "overlap" })).toBe("price");
    expect(builtinPane({ name: "BBANDS", group: "volatility" })).toBe("price");
    expect(builtinPane({ name: "VWAP", group: "volume" })).toBe("price");
    expect(builtinPane({ name: "RSI", group: "momentum" })).toBe("lower");
    expect(builtinPane({ name: "MACD", group: "momentum" })).toBe("lower");
    expect(builtinPane({ name: "ATR", group: "volatility" })).toBe("lower");
  });

  it("names one formula per output, bare for single-output indicators", () => {
    const bb = { name: "BBANDS", outputs: ["upper", "middle", "lower"] };
    expect(builtinOutputs(bb)).toEqual(["upper", "middle", "lower"]);
    expect(builtinFormula(bb, "upper")).toBe("BBANDS.upper");
    expect(builtinLabel(bb, "upper")).toBe("BBANDS upper");
    expect(builtinFormula({ name: "RSI", outputs: ["value"] }, "value")).toBe("RSI");
    expect(builtinOutputs({ name: "SUPERTREND", outputs: ["value", "direction"] })).toEqual(["value"]);
  });

  it("places a custom formula by the size of its values against the closes", () => {
    const closes = [100, 101, 102];
    expect(paneByMagnitude([99, 100, null, 101], closes)).toBe("price");
    expect(paneByMagnitude([5, -3, 2], closes)).toBe("lower");
    expect(paneByMagnitude([null, null], closes)).toBe("lower");
  });

  it("reads overlay refs", () => {
    expect(parseOverlay("builtin:RSI")).toEqual({ kind: "builtin", name: "RSI" });
    expect(parseOverlay("custom:12")).toEqual({ kind: "custom", id: 12 });
    expect(parseOverlay("custom:x")).toBeNull();
  });
});
