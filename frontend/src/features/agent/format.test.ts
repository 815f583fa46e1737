import { argumentsLine, duration, splitCitations, titleFrom, utc } from "./format";

describe("the assistant's formats", () => {
  it("writes a call's arguments on one line", () => {
    expect(argumentsLine({ symbol: "BTC-USD", periods: [14, 28], opts: { a: 1 } })).toBe('symbol BTC-USD, periods [14,28], opts {"a":1}');
    expect(argumentsLine({})).toBe("");
  });

  it("writes times in UTC and durations", () => {
    expect(utc("2026-11-24T10:05:42.123Z")).toBe("2026-11-24 10:05 UTC");
    expect(utc("2026-11-24T12:05:00+02:00")).toBe("2026-11-24 10:05 UTC");
    expect(utc(null)).toBe("–");
    expect([duration(0.4), duration(12.4), duration(1420), duration(null)]).toEqual(["<1 ms", "12 ms", "1.4 s", "–"]);
  });

  it("finds the refs an answer cites", () => {
    expect(splitCitations("RSI is 48 [T1]; the alert [T2, T3].")).toEqual([
      { text: "RSI is 48 " },
      { ref: "T1" },
      { text: "; the alert " },
      { ref: "T2" },
      { ref: "T3" },
      { text: "." },
    ]);
    expect(splitCitations("[T1]")).toEqual([{ ref: "T1" }]);
    expect(splitCitations("no [cite] here")).toEqual([{ text: "no [cite] here" }]);
  });

  it("titles a conversation after its first question", () => {
    expect(titleFrom("  What is the RSI of BTC?\nAnd ETH?")).toBe("What is the RSI of BTC?");
    expect(titleFrom("x".repeat(100))).toHaveLength(60);
    expect(titleFrom("   ")).toBe("New conversation");
  });
});
