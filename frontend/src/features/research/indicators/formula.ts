/**
 * Formula text helpers. Columns follow the backend's parser: 1-based, counted in characters (code points) of
 * the whole text, newlines included.
 */

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;
const DIGIT = /[0-9]/;
const WHITESPACE = /[ \t\r\n]/;
const PRICES = new Set(["OPEN", "HIGH", "LOW", "CLOSE", "VOLUME"]);

export interface Substituted {
  /** The formula with each parameter reference replaced by its value. */
  text: string;
  /** A column of `text` (as an error names it) mapped back to the column in the original formula. */
  toOriginal: (column: number) => number;
}

function literal(value: number): string {
  return value < 0 ? `(${String(value)})` : String(value);
}

function nextSignificant(chars: string[], from: number): [string | undefined, string | undefined] {
  let i = from;
  while (i < chars.length && WHITESPACE.test(chars[i]!)) i++;
  return [chars[i], chars[i + 1]];
}

function previousSignificant(chars: string[], before: number): string | undefined {
  let i = before - 1;
  while (i >= 0 && WHITESPACE.test(chars[i]!)) i--;
  return chars[i];
}

/**
 * Replace references to the indicator's parameters by their values, so that a formula written for a custom
 * indicator can be checked where parameters cannot be passed. Output names (`.signal`), named arguments
 * (`period=20`), calls (`name(`) and the price names (which the parser resolves first) are left alone, as are
 * names that only differ in case (the parser treats parameters case-sensitively).
 */
export function substituteParameters(formula: string, parameters: Record<string, number>): Substituted {
  const chars = Array.from(formula);
  const out: string[] = [];
  const origin: number[] = []; // origin[i]: original 1-based column of out[i]
  let i = 0;
  const keep = (from: number, to: number) => {
    for (let k = from; k < to; k++) {
      out.push(chars[k]!);
      origin.push(k + 1);
    }
  };
  while (i < chars.length) {
    const c = chars[i]!;
    if (DIGIT.test(c) || (c === "." && DIGIT.test(chars[i + 1] ?? ""))) {
      // A number, read as the lexer does (a whole word such as 1e-5 or 12abc), never substituted inside.
      let end = i;
      while (end < chars.length) {
        const ch = chars[end]!;
        const sign = (ch === "+" || ch === "-") && /^(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)[eE]$/.test(chars.slice(i, end).join(""));
        if (NAME_CHAR.test(ch) || ch === "." || sign) end++;
        else break;
      }
      keep(i, end);
      i = end;
    } else if (NAME_START.test(c)) {
      let end = i;
      while (end < chars.length && NAME_CHAR.test(chars[end]!)) end++;
      const name = chars.slice(i, end).join("");
      const [next, after] = nextSignificant(chars, end);
      const skip =
        previousSignificant(chars, i) === "." ||
        next === "(" ||
        (next === "=" && after !== "=") ||
        PRICES.has(name.toUpperCase()) ||
        !Object.hasOwn(parameters, name) ||
        !Number.isFinite(parameters[name]);
      if (skip) {
        keep(i, end);
      } else {
        for (const ch of literal(parameters[name]!)) {
          out.push(ch);
          origin.push(i + 1);
        }
      }
      i = end;
    } else {
      keep(i, i + 1);
      i++;
    }
  }
  const total = chars.length;
  return {
    text: out.join(""),
    toOriginal: (column) => {
      if (column >= 1 && column <= origin.length) return origin[column - 1]!;
      return total + 1 + Math.max(0, column - 1 - origin.length);
    },
  };
}

export interface Location {
  line: number; // 1-based
  column: number; // 1-based, within the line
  text: string; // the line, tabs shown as single spaces
}

/** Where a 1-based column of the whole text falls: its line and the column inside that line. */
export function locate(formula: string, column: number): Location {
  const chars = Array.from(formula);
  const index = Math.max(0, Math.min(column - 1, chars.length));
  let line = 1;
  let start = 0;
  for (let i = 0; i < index; i++) {
    if (chars[i] === "\n") {
      line++;
      start = i + 1;
    }
  }
  let end = start;
  while (end < chars.length && chars[end] !== "\n") end++;
  const text = chars
    .slice(start, end)
    .map((ch) => (ch === "\t" || ch === "\r" ? " " : ch))
    .join("");
  return { line, column: index - start + 1, text };
}

/** The UTF-16 offset of a 1-based code-point column, to place a text selection on it. */
export function offsetOf(formula: string, column: number): number {
  return Array.from(formula)
    .slice(0, Math.max(0, column - 1))
    .join("").length;
}
