import { formatCompact, formatPercent, formatPrice } from "./format";

describe("number formatting by magnitude", () => {
  it("gives big prices cents and small ones more digits", () => {
    expect(formatPrice(50250.123)).toBe("50,250.12");
    expect(formatPrice(1.23456789)).toBe("1.2346");
    expect(formatPrice(0.000123456)).toBe("0.00012346");
    expect(formatPrice(null)).toBe("–");
  });
  it("signs percents and compacts volumes", () => {
    expect(formatPercent(0.0213)).toBe("+2.13%");
    expect(formatPercent(-0.5)).toBe("-50.00%");
    expect(formatCompact(1_234_567)).toBe("1.23M");
  });
});
