import { ApiError } from "@/api/errors";
import { fieldError } from "@/api/errors";
import { describeReading, humanize, leaning } from "./readings";

describe("readings", () => {
  it("shows a lone value plainly and several with their names", () => {
    expect(describeReading({ value: 58.3166, signal: "NEUTRAL" })).toEqual({ values: ["58.32"], signals: ["NEUTRAL"] });
    expect(describeReading({ value: 1.5, signal: 1.2, histogram: 0.3, trend: "BULLISH", cross: "BULLISH_CROSS" })).toEqual({
      values: ["value 1.5", "signal 1.2", "histogram 0.3"],
      signals: ["BULLISH", "BULLISH_CROSS"],
    });
    expect(describeReading({ value: 0.000123456 }).values).toEqual(["0.000123"]);
  });

  it("leans and reads signal words", () => {
    expect(leaning("BULLISH_CROSS")).toBe("up");
    expect(leaning("BEARISH")).toBe("down");
    expect(leaning("NEUTRAL")).toBe("");
    expect(humanize("NEAR_UPPER")).toBe("near upper");
  });

  it("finds the API's message for a field, its items and aliases", () => {
    const error = new ApiError(422, "VALIDATION_ERROR", "indicators.1: bad (and 1 more)", "indicators.1", [
      { field: "indicators.1", message: "bad" },
      { field: "period", message: "too long" },
    ]);
    expect(fieldError(error, "indicators")).toBe("bad");
    expect(fieldError(error, "period")).toBe("too long");
    expect(fieldError(error, "symbol")).toBeUndefined();
    expect(fieldError(new ApiError(400, "INVALID_INTERVAL", "Unknown interval 2h", "interval"), "timeframes", "interval")).toBe("Unknown interval 2h");
    expect(fieldError(new Error("x"), "period")).toBeUndefined();
  });
});
