/**
 * Formula text helpers. Columns follow the backend's parser: 1-based, counted in characters (code points) of
 * the whole text, newlines included.
 */

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
