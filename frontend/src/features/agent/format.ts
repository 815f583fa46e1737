/** How the assistant's screens write tool calls, times and request fields. */

/** A value in a line of text: a string as it is, anything else as compact JSON (cut at `max` characters). */
export function inline(value: unknown, max = 60): string {
  const text = typeof value === "string" ? value : JSON.stringify(value) ?? String(value);
  return text.length > max ? text.slice(0, max - 1) + "…" : text;
}

/** A call's arguments as "symbol BTC-USD, interval 1h". */
export function argumentsLine(args: Record<string, unknown> | null | undefined): string {
  return Object.entries(args ?? {})
    .map(([key, value]) => `${key} ${inline(value, 40)}`)
    .join(", ");
}

/** "2026-11-24T10:05:00Z" -> "2026-11-24 10:05 UTC". */
export function utc(iso: string | null | undefined): string {
  if (!iso) return "–";
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  return at.toISOString().slice(0, 16).replace("T", " ") + " UTC";
}

/** A tool's run time: "12 ms", "<1 ms", "1.4 s". */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "–";
  if (ms < 1) return "<1 ms";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

export const pretty = (value: unknown) => JSON.stringify(value, null, 2);

/** A part of an answer's text: words, or the ref of a tool result it cites ("[T1]", each of "[T1, T2]"). */
export type Part = { text: string } | { ref: string };

const CITE = /\[(T\d+(?:\s*,\s*T\d+)*)\]/g;

export function splitCitations(text: string): Part[] {
  const parts: Part[] = [];
  let at = 0;
  for (const match of text.matchAll(CITE)) {
    if (match.index > at) parts.push({ text: text.slice(at, match.index) });
    for (const ref of match[1]!.split(",")) parts.push({ ref: ref.trim() });
    at = match.index + match[0].length;
  }
  if (at < text.length) parts.push({ text: text.slice(at) });
  return parts;
}

/** A conversation's title from its first question: its first line, cut to fit the API's 120 characters. */
export function titleFrom(question: string, max = 60): string {
  const line = question.trim().split("\n")[0]!.trim();
  return line.length > max ? line.slice(0, max - 1).trimEnd() + "…" : line || "New conversation";
}
