import { parseColumn } from "../util";
import { locate, offsetOf } from "./formula";

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
