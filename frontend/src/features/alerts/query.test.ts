import { formFromQuery } from "./query";
import { EMPTY_FORM } from "./rule";

const parse = (search: string) => formFromQuery(new URLSearchParams(search));

describe("formFromQuery", () => {
  it("prefills a lesson's RSI alert: symbol, condition, indicator with its parameter, level and timeframe", () => {
    expect(parse("symbol=BTC-USD&condition=CROSSING_UP&operand=INDICATOR&indicator=RSI&p.period=14&threshold=70&timeframe=1h")).toEqual({
      ...EMPTY_FORM,
      symbol: "BTC-USD",
      condition: "CROSSING_UP",
      operand: "INDICATOR",
      indicator: "RSI",
      params: { period: "14" },
      threshold: "70",
      timeframe: "1h",
    });
  });

  it("takes a formula, a channel's bounds, a move's window and an indicator's output", () => {
    expect(parse("operand=FORMULA&formula=RSI(14)%20-%20RSI(28)&condition=GREATER_THAN&threshold=0")).toMatchObject({ operand: "FORMULA", formula: "RSI(14) - RSI(28)", threshold: "0" });
    expect(parse("condition=ENTERING_CHANNEL&lower=3000&upper=3500&symbol=eth-usd")).toMatchObject({ condition: "ENTERING_CHANNEL", lower: "3000", upper: "3500", symbol: "ETH-USD" });
    expect(parse("condition=MOVING_DOWN_PERCENT&threshold=5&window=24")).toMatchObject({ window: "24", threshold: "5" });
    expect(parse("indicator=MACD&output=histogram&p.fast_period=12")).toMatchObject({ operand: "INDICATOR", indicator: "MACD", output: "histogram", params: { fast_period: "12" } });
  });

  it("ignores unknown keys and values the form would not take, keeping its defaults", () => {
    expect(parse("")).toEqual(EMPTY_FORM);
    expect(parse("condition=ABOVE&symbol=BTC USD!&timeframe=2h&threshold=lots&p.period=abc&p.=3&p.1x=2&operand=MAGIC&evil=<script>&userId=7")).toEqual(EMPTY_FORM);
    // Parameters of an indicator only count with the indicator operand.
    expect(parse("operand=PRICE&indicator=RSI&p.period=14")).toEqual(EMPTY_FORM);
    expect(parse(`operand=FORMULA&formula=${"x".repeat(1001)}`)).toMatchObject({ operand: "FORMULA", formula: "" });
  });
});
