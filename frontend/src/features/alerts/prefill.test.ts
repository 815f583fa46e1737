import { alertFixture } from "./fixtures";
import { formFromAlert, toAlertPatch, toLocalInput } from "./prefill";
import type { Alert } from "./types";

const RSI = { name: "RSI", params: [{ name: "period", default: 14 }], outputs: ["real"] };

const alert = (patch: Partial<Alert>) =>
  alertFixture({
    id: 3,
    condition: "CROSSING_UP",
    threshold: 70,
    channels: ["IN_APP", "EMAIL"],
    metadata: { indicator: "RSI", params: { period: 21 }, timeframe: "4h" },
    frequency: "EVERY_TIME",
    cooldownSeconds: 600,
    expiresAt: "2099-03-01T12:30:00Z",
    confirmTicks: 2,
    confirmSeconds: 5,
    ...patch,
  });

describe("formFromAlert", () => {
  it("prefills every input the form has from a stored indicator alert", () => {
    const form = formFromAlert(alert({}), ["RSI", "MACD"]);
    expect(form).toMatchObject({
      symbol: "BTC-USD",
      condition: "CROSSING_UP",
      operand: "INDICATOR",
      indicator: "RSI",
      params: { period: "21" },
      threshold: "70",
      timeframe: "4h",
      frequency: "EVERY_TIME",
      cooldownSeconds: "600",
      expiresAt: toLocalInput("2099-03-01T12:30:00Z"),
      confirmTicks: "2",
      confirmSeconds: "5",
      channels: ["IN_APP", "EMAIL"],
    });
    expect(new Date(form.expiresAt).toISOString()).toBe("2099-03-01T12:30:00.000Z");
  });

  it("tells a custom indicator, a formula and a channel rule apart", () => {
    expect(formFromAlert(alert({ metadata: { indicator: "MY_MOMENTUM" } }), ["RSI"])).toMatchObject({ operand: "CUSTOM", custom: "MY_MOMENTUM", indicator: "" });
    expect(formFromAlert(alert({ metadata: { formula: "RSI(14) - RSI(28)" } }), ["RSI"])).toMatchObject({ operand: "FORMULA", formula: "RSI(14) - RSI(28)" });
    const channel = formFromAlert(alert({ condition: "ENTERING_CHANNEL", threshold: null, metadata: { lower: 3000, upper: 3500 } }), []);
    expect(channel).toMatchObject({ operand: "PRICE", lower: "3000", upper: "3500", threshold: "", expiresAt: expect.any(String) as string });
  });
});

describe("toAlertPatch", () => {
  const stored = alert({ metadata: { indicator: "RSI", params: { period: 21 }, timeframe: "4h", note: "kept" } });
  const initial = formFromAlert(stored, ["RSI"]);

  it("is empty when nothing changed, so an unchanged level is not re-armed", () => {
    expect(toAlertPatch(stored, initial, { ...initial }, RSI)).toEqual({});
  });

  it("sends only what changed, and keeps metadata keys the form has no input for", () => {
    expect(toAlertPatch(stored, initial, { ...initial, threshold: "75" }, RSI)).toEqual({ threshold: 75 });
    expect(toAlertPatch(stored, initial, { ...initial, timeframe: "1h", confirmTicks: "3", expiresAt: "" }, RSI)).toEqual({
      metadata: { note: "kept", indicator: "RSI", params: { period: 21 }, timeframe: "1h" },
      confirmTicks: 3,
      expiresAt: null,
    });
    expect(toAlertPatch(stored, initial, { ...initial, frequency: "ONCE" }, RSI)).toEqual({ frequency: "ONCE", cooldownSeconds: 0 });
  });
});

describe("a stored pattern alert", () => {
  it("prefills the pattern, direction and timeframe, and patches only what changed", () => {
    const stored = alert({ condition: "PATTERN_DETECTED", threshold: null, metadata: { pattern: "CDLENGULFING", timeframe: "4h", direction: "bullish" } });
    const form = formFromAlert(stored, ["RSI"]);
    expect(form).toMatchObject({ condition: "PATTERN_DETECTED", operand: "PRICE", pattern: "CDLENGULFING", patternDirection: "bullish", timeframe: "4h" });
    expect(toAlertPatch(stored, form, form)).toEqual({});
    expect(toAlertPatch(stored, form, { ...form, patternDirection: "any" })).toEqual({
      metadata: { pattern: "CDLENGULFING", timeframe: "4h", direction: "any" },
    });
  });
});
