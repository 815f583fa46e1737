import { describeRule, EMPTY_FORM, formFieldOf, frequenciesFor, toAlertBody, toBacktestBody, validateAlert, validatePatternDirection, validateRule, type RuleForm } from "./rule";
import type { CatalogIndicator } from "./types";

const form = (patch: Partial<RuleForm>): RuleForm => ({ ...EMPTY_FORM, ...patch });
const RSI: CatalogIndicator = { name: "RSI", params: [{ name: "period", default: 14, min: 2, max: 100000, integer: true }], outputs: ["real"] };
const MACD: CatalogIndicator = { name: "MACD", params: [], outputs: ["macd", "signal", "hist"] };

describe("validateRule", () => {
  it("needs a threshold above 0 for a price level", () => {
    expect(validateRule(form({ threshold: "" })).threshold).toBe("Threshold is required");
    expect(validateRule(form({ threshold: "abc" })).threshold).toBe("Threshold must be a number");
    expect(validateRule(form({ threshold: "Infinity" })).threshold).toBe("Threshold must be a number");
    expect(validateRule(form({ threshold: "-5" })).threshold).toBe("Threshold must be above 0");
    expect(validateRule(form({ threshold: "150000" }))).toEqual({});
  });

  it("lets an indicator's level be 0 or negative", () => {
    expect(validateRule(form({ operand: "FORMULA", formula: "RSI(14) - RSI(28)", condition: "CROSSING_UP", threshold: "0" }))).toEqual({});
  });

  it("wants channel bounds with lower below upper", () => {
    const channel = form({ condition: "ENTERING_CHANNEL" });
    expect(validateRule({ ...channel, lower: "", upper: "" })["metadata.lower"]).toBe("Lower bound is required");
    expect(validateRule({ ...channel, lower: "200", upper: "100" })["metadata.lower"]).toBe("Lower bound must be below the upper bound");
    expect(validateRule({ ...channel, lower: "100", upper: "100" })["metadata.lower"]).toBe("Lower bound must be below the upper bound");
    expect(validateRule({ ...channel, lower: "100", upper: "200" })).toEqual({});
  });

  it("wants a whole window of 1 to 1000 bars for moves, optional for volume spikes", () => {
    const move = form({ condition: "MOVING_UP_PERCENT", threshold: "5" });
    expect(validateRule(move)["metadata.window"]).toBe("Window is required");
    expect(validateRule({ ...move, window: "0" })["metadata.window"]).toBe("Window must be at least 1");
    expect(validateRule({ ...move, window: "2.5" })["metadata.window"]).toBe("Window must be a whole number");
    expect(validateRule({ ...move, window: "1001" })["metadata.window"]).toBe("Window must be at most 1000");
    expect(validateRule({ ...move, window: "24" })).toEqual({});
    expect(validateRule(form({ condition: "VOLUME_SPIKE", threshold: "3" }))).toEqual({});
  });

  it("checks the indicator and its parameters", () => {
    expect(validateRule(form({ operand: "INDICATOR", threshold: "70" }))["metadata.indicator"]).toBe("Choose an indicator");
    const rsi = form({ condition: "GREATER_THAN", operand: "INDICATOR", indicator: "RSI", threshold: "70", params: { period: "1" } });
    expect(validateRule(rsi, RSI)["metadata.params.period"]).toBe("period must be at least 2");
    expect(validateRule({ ...rsi, params: { period: "14.5" } }, RSI)["metadata.params.period"]).toBe("period must be a whole number");
    expect(validateRule({ ...rsi, params: { period: "21" } }, RSI)).toEqual({});
  });
});

describe("validateAlert", () => {
  it("adds channels, expiry and confirmation", () => {
    const now = Date.parse("2026-11-24T12:00:00Z");
    const errors = validateAlert(form({ threshold: "1", channels: [], expiresAt: "2020-01-01T00:00", confirmTicks: "0", confirmSeconds: "4000" }), undefined, now);
    expect(errors.channels).toBe("Pick at least one channel");
    expect(errors.expiresAt).toBe("Expiry must be in the future");
    expect(errors.confirmTicks).toBe("Confirm ticks must be at least 1");
    expect(errors.confirmSeconds).toBe("Confirm seconds must be at most 3600");
  });
});

describe("request bodies", () => {
  it("builds the alert with its metadata", () => {
    const body = toAlertBody(
      form({ operand: "INDICATOR", indicator: "MACD", output: "signal", condition: "CROSSING_UP", threshold: "0", timeframe: "4h", frequency: "EVERY_TIME", cooldownSeconds: "600", channels: ["IN_APP", "EMAIL"] }),
      7,
      MACD,
    );
    expect(body).toEqual({
      userId: 7,
      symbol: "BTC-USD",
      condition: "CROSSING_UP",
      threshold: 0,
      channels: ["IN_APP", "EMAIL"],
      metadata: { indicator: "MACD", output: "signal", timeframe: "4h" },
      frequency: "EVERY_TIME",
      cooldownSeconds: 600,
      expiresAt: null,
      confirmTicks: 1,
      confirmSeconds: 0,
    });
  });

  it("sends channel bounds without a threshold, and the window of moves", () => {
    expect(toAlertBody(form({ condition: "INSIDE_CHANNEL", lower: "10", upper: "20", threshold: "5" }), 1)).toMatchObject({
      threshold: null,
      metadata: { lower: 10, upper: 20 },
    });
    expect(toAlertBody(form({ condition: "MOVING_DOWN", threshold: "500", window: "12" }), 1).metadata).toEqual({ window: 12 });
  });

  it("previews a ONCE rule as EVERY_TIME, without delivery fields", () => {
    const body = toBacktestBody(form({ threshold: "100000" }), { from: "2025-01-01T00:00:00.000Z" });
    expect(body).toEqual({
      symbol: "BTC-USD",
      condition: "PRICE_ABOVE",
      threshold: 100000,
      metadata: {},
      frequency: "EVERY_TIME",
      cooldownSeconds: 0,
      from: "2025-01-01T00:00:00.000Z",
    });
  });

  it("builds a research-series alert: the threshold as a number and no metadata at all", () => {
    // What the form may hold from a price rule before the condition changed is not sent.
    const fearGreed = form({ condition: "FEAR_GREED_BELOW", threshold: "20", operand: "INDICATOR", indicator: "RSI", timeframe: "4h", window: "12" });
    expect(toAlertBody(fearGreed, 7, RSI)).toEqual({
      userId: 7,
      symbol: "BTC-USD",
      condition: "FEAR_GREED_BELOW",
      threshold: 20,
      channels: ["IN_APP"],
      metadata: {},
      frequency: "ONCE",
      cooldownSeconds: 0,
      expiresAt: null,
      confirmTicks: 1,
      confirmSeconds: 0,
    });
    expect(toAlertBody(form({ condition: "WHALE_MOVEMENTS_ABOVE", threshold: "25", frequency: "EVERY_TIME", cooldownSeconds: "900" }), 7)).toMatchObject({
      threshold: 25,
      metadata: {},
      frequency: "EVERY_TIME",
      cooldownSeconds: 900,
    });
  });

  it("maps the API's fields to the form's", () => {
    expect(formFieldOf("metadata.window")).toBe("metadata.window");
    expect(formFieldOf("channels.0")).toBe("channels");
    expect(formFieldOf("metadata.params")).toBe("metadata.params");
    expect(formFieldOf(undefined)).toBeUndefined();
    expect(formFieldOf("body")).toBeUndefined();
  });
});

describe("research series", () => {
  it("checks the threshold against each series' range", () => {
    expect(validateRule(form({ condition: "FEAR_GREED_BELOW", threshold: "" })).threshold).toBe("Threshold is required");
    expect(validateRule(form({ condition: "FEAR_GREED_BELOW", threshold: "101" })).threshold).toBe("Threshold must be at most 100");
    expect(validateRule(form({ condition: "FEAR_GREED_ABOVE", threshold: "0" }))).toEqual({});
    expect(validateRule(form({ condition: "SENTIMENT_BELOW", threshold: "1.5" })).threshold).toBe("Threshold must be at most 1");
    expect(validateRule(form({ condition: "SENTIMENT_ABOVE", threshold: "-0.1" })).threshold).toBe("Threshold must be at least 0");
    expect(validateRule(form({ condition: "SENTIMENT_ABOVE", threshold: "0.6" }))).toEqual({});
    expect(validateRule(form({ condition: "WHALE_MOVEMENTS_ABOVE", threshold: "1000001" })).threshold).toBe("Threshold must be at most 1000000");
    expect(validateRule(form({ condition: "WHALE_MOVEMENTS_ABOVE", threshold: "12" }))).toEqual({});
  });

  it("ignores the operand fields, and fires only ONCE or EVERY_TIME", () => {
    expect(validateRule(form({ condition: "FEAR_GREED_BELOW", threshold: "20", operand: "INDICATOR", indicator: "" }))).toEqual({});
    expect(validateRule(form({ condition: "FEAR_GREED_BELOW", threshold: "20", frequency: "ONCE_PER_BAR" })).frequency).toBe(
      "A research series fires once or every time",
    );
    expect(validateRule(form({ condition: "FEAR_GREED_BELOW", threshold: "20", frequency: "EVERY_TIME", cooldownSeconds: "-1" })).cooldownSeconds).toBe(
      "Cooldown must be at least 0",
    );
    expect(frequenciesFor("FEAR_GREED_BELOW").map((f) => f.value)).toEqual(["ONCE", "EVERY_TIME"]);
    expect(frequenciesFor("PRICE_ABOVE").map((f) => f.value)).toEqual(["ONCE", "EVERY_TIME", "ONCE_PER_BAR", "ONCE_PER_BAR_CLOSE"]);
  });

  it("describes the rule by the condition's label", () => {
    expect(describeRule("FEAR_GREED_BELOW", 20, {})).toBe("Fear & Greed below 20");
    expect(describeRule("SENTIMENT_ABOVE", 0.65, {})).toBe("Sentiment above 0.65");
    expect(describeRule("WHALE_MOVEMENTS_ABOVE", 12, {})).toBe("Whale movements above 12");
  });
});

describe("describeRule", () => {
  it("says what each rule watches", () => {
    expect(describeRule("PRICE_ABOVE", 150000, {})).toMatch(/^Price ≥ 150,000/);
    expect(describeRule("CROSSING_UP", 70, { indicator: "RSI", params: { period: 14 } })).toBe("RSI(period=14) crosses up through 70 · 1h");
    expect(describeRule("GREATER_THAN", 70, { indicator: "RSI" })).toBe("RSI > 70 · 1h");
    expect(describeRule("ENTERING_CHANNEL", null, { lower: 100, upper: 200, timeframe: "1h" })).toMatch(/^Price enters \[100.* – 200.*\] · 1h$/);
    expect(describeRule("MOVING_UP_PERCENT", 5, { window: 24 })).toBe("Price rises by ≥ 5% in 24 bars");
    expect(describeRule("VOLUME_SPIKE", 3, {})).toBe("Volume ≥ 3× the average of 20 bars");
  });
  it("says what a portfolio's risk alert watches", () => {
    const portfolio = { portfolioId: 4 };
    expect(describeRule("ALLOCATION_DRIFT", null, portfolio)).toBe("Allocation drifts beyond the portfolio's band");
    expect(describeRule("ALLOCATION_DRIFT", 0.05, portfolio)).toBe("Allocation drifts beyond ±5%");
    expect(describeRule("DRAWDOWN_BELOW", -10, portfolio)).toBe("Drawdown from the peak ≤ -10%");
    expect(describeRule("VAR_BREACH", null, portfolio)).toBe("A day's loss beyond the 1-day VaR95");
    expect(describeRule("VALUE_BELOW", 90000, portfolio)).toMatch(/^Value < 90,000/);
  });
});

describe("a price level confirmed by an indicator (the seed's alert)", () => {
  const seed = { indicator: "RSI", value: 70 };

  it("describes both parts, with the indicator as the API shows it", () => {
    const confirmation = { indicator: "RSI(14)", timeframe: "1h", operator: ">=", value: 70 };
    expect(describeRule("PRICE_ABOVE", 50000, seed, confirmation)).toBe("price above 50,000 while RSI(14) 1h >= 70");
    expect(describeRule("PRICE_ABOVE", 50000, seed)).toBe("price above 50,000 while RSI 1h >= 70");
    expect(describeRule("PRICE_BELOW", 20000, { indicator: "RSI", value: 30, timeframe: "4h" })).toBe("price below 20,000 while RSI 4h <= 30");
    expect(describeRule("PRICE_ABOVE", 50000, { ...seed, operator: ">" })).toBe("price above 50,000 while RSI 1h > 70");
  });

  it("sends the threshold as the price and the indicator's level and comparison in metadata", () => {
    const confirmed = form({ operand: "INDICATOR", indicator: "RSI", threshold: "50000", confirmValue: "70" });
    expect(validateRule(confirmed, RSI)).toEqual({});
    expect(toAlertBody(confirmed, 1, RSI)).toMatchObject({ condition: "PRICE_ABOVE", threshold: 50000, metadata: { indicator: "RSI", value: 70 } });
    expect(toAlertBody({ ...confirmed, confirmOperator: ">" }, 1, RSI).metadata).toEqual({ indicator: "RSI", value: 70, operator: ">" });
    expect(validateRule({ ...confirmed, confirmValue: "" }, RSI)["metadata.value"]).toBe("Indicator level is required");
    expect(validateRule({ ...confirmed, threshold: "-1" }, RSI).threshold).toBe("Threshold must be above 0");
    expect(formFieldOf("metadata.value")).toBe("metadata.value");
  });
});

describe("a pattern alert", () => {
  const pattern = form({ condition: "PATTERN_DETECTED", threshold: "5", operand: "PRICE" });
  it("needs a pattern, not a threshold", () => {
    expect(validateRule(pattern)).toEqual({ "metadata.pattern": "Choose a pattern" });
    expect(validateRule({ ...pattern, pattern: "CDLENGULFING", threshold: "" })).toEqual({});
  });
  it("sends the pattern, its timeframe (1h unless chosen) and direction in metadata, and no threshold", () => {
    const body = toAlertBody({ ...pattern, pattern: "CDLENGULFING", patternDirection: "bearish" }, 7);
    expect(body).toMatchObject({ condition: "PATTERN_DETECTED", threshold: null, metadata: { pattern: "CDLENGULFING", timeframe: "1h", direction: "bearish" } });
    expect(toAlertBody({ ...pattern, pattern: "double_bottom", timeframe: "4h" }, 7).metadata).toEqual({ pattern: "double_bottom", timeframe: "4h", direction: "any" });
  });
  it("refuses a direction the pattern never has", () => {
    const bullish = { ...pattern, pattern: "double_top", patternDirection: "bullish" as const };
    expect(validatePatternDirection(bullish, { title: "Double top", direction: "bearish" })).toEqual({
      "metadata.direction": "Double top is bearish: choose Any or bearish",
    });
    expect(validatePatternDirection(bullish, { title: "Engulfing", direction: "both" })).toEqual({});
    expect(validatePatternDirection({ ...bullish, patternDirection: "any" }, { title: "Doji", direction: "neutral" })).toEqual({});
    expect(validatePatternDirection(bullish, undefined)).toEqual({});
  });
  it("describes the rule in words", () => {
    expect(describeRule("PATTERN_DETECTED", null, { pattern: "double_bottom", timeframe: "4h", direction: "bullish" })).toBe("Double bottom (bullish) detected · 4h");
    expect(describeRule("PATTERN_DETECTED", null, { pattern: "CDLENGULFING", direction: "any" })).toBe("CDLENGULFING detected · 1h");
    expect(formFieldOf("metadata.pattern")).toBe("metadata.pattern");
    expect(formFieldOf("metadata.direction")).toBe("metadata.direction");
  });
});
