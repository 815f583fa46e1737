import { parseColumn } from "../util";
import { locate, offsetOf, substituteParameters } from "./formula";

describe("substituteParameters", () => {
  it("replaces parameter references by their values and maps columns back", () => {
    const s = substituteParameters("RSI(period1) - RSI(period2) + FOO(1)", { period1: 14, period2: 28 });
    expect(s.text).toBe("RSI(14) - RSI(28) + FOO(1)");
    // FOO is at column 21 of the substituted text and column 31 of the formula as typed.
    expect(s.text.indexOf("FOO") + 1).toBe(21);
    expect(s.toOriginal(21)).toBe(31);
    // A column inside a substituted value points at the parameter's name.
    expect(s.toOriginal(5)).toBe(5);
    expect(s.toOriginal(6)).toBe(5);
    expect(s.toOriginal(7)).toBe(12); // the ")" after period1
    // The end of the formula maps to the end of the original.
    expect(s.toOriginal(s.text.length + 1)).toBe("RSI(period1) - RSI(period2) + FOO(1)".length + 1);
  });

  it("leaves outputs, named arguments, calls, prices, numbers and other cases alone", () => {
    const s = substituteParameters("BBANDS(period=20).upper + period + close + Period + 1e5 + period(2) + x", {
      period: 5,
      upper: 1,
      close: 3,
      x: -2,
    });
    expect(s.text).toBe("BBANDS(period=20).upper + 5 + close + Period + 1e5 + period(2) + (-2)");
  });

  it("keeps == comparisons substitutable", () => {
    expect(substituteParameters("a == 1", { a: 2 }).text).toBe("2 == 1");
  });
});

describe("locate", () => {
  it("finds the line and the column inside it", () => {
    expect(locate("RSI(14) -\n  FOO(3)", 13)).toEqual({ line: 2, column: 3, text: "  FOO(3)" });
    expect(locate("RSI(14) - ", 11)).toEqual({ line: 1, column: 11, text: "RSI(14) - " });
    expect(locate("a\tb", 3).text).toBe("a b");
  });

  it("counts characters, not UTF-16 units", () => {
    expect(locate("é😀 + x", 3).column).toBe(3);
    expect(offsetOf("😀x", 2)).toBe(2);
  });
});

it("reads the column of a parser message", () => {
  expect(parseColumn("unknown function FOO at column 11")).toBe(11);
  expect(parseColumn("entry: unexpected end of formula at column 9")).toBe(9);
  expect(parseColumn("no column here")).toBeNull();
});
