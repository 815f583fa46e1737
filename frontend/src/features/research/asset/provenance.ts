/** Where each figure of an analysis came from, when, and why a missing one is missing: the words the cards show. */
import type { Analysis, Conflict, Missing, Provenance } from "./api";

const locale = () => (typeof navigator !== "undefined" ? navigator.language : "en-US");

/** "2023-10-08T20:12:25.330Z" -> "2023-10-08" (the UTC day). */
export const utcDay = (iso: string): string => iso.slice(0, 10);

/** "2023-10-08T20:12:25.330Z" -> "2023-10-08 20:12 UTC". */
export const utcStamp = (iso: string): string => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

/** Dollars at three significant digits: 60886038568 -> "$60.9B"; "–" when there is no number. */
export function usd(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  return value.toLocaleString(locale(), { style: "currency", currency: "USD", notation: "compact", minimumSignificantDigits: 3, maximumSignificantDigits: 3 });
}

/** A price in dollars with its cents (or more digits under $1): 27887 -> "$27,887.00". */
export function usdPrice(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  const digits = Math.abs(value) >= 1 ? 2 : 6;
  return value.toLocaleString(locale(), { style: "currency", currency: "USD", minimumFractionDigits: 2, maximumFractionDigits: digits });
}

/** A count or quantity in full: 19507918 -> "19,507,918". */
export function amount(value: number | null | undefined, digits = 0): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  return value.toLocaleString(locale(), { maximumFractionDigits: digits });
}

/** What a figure's hover and focus say: "CoinGecko · snapshot recorded 2023-10-08 20:12 UTC, not live". */
export function provenanceText(p: Provenance): string {
  if (p.mode === "snapshot") return `${p.source} · snapshot recorded ${utcStamp(p.asOf)}, not live`;
  return `${p.source} · live, as of ${utcStamp(p.asOf)}${p.cached ? " (cached)" : ""}`;
}

/** The providers' reasons for a missing field (`onChainMetrics.tvl`), with the ones about an item of it. */
export function reasonsFor(analysis: Pick<Analysis, "unavailable">, field: string): Missing[] {
  return analysis.unavailable.filter((m) => m.fields.some((f) => f === field || f.startsWith(field + ".")));
}

/** "Unavailable — offline: no DeFiLlama snapshot is bundled (DeFiLlama)" for each reason, joined. */
export function unavailableText(reasons: Missing[]): string {
  if (!reasons.length) return "Unavailable — the analysis gives neither a figure nor a reason";
  // A provider's name leads its reason; "no provider" or a step of ours ("sentiment") would only repeat it.
  const named = (m: Missing) => /^[A-Z]/.test(m.source) && !m.reason.includes(m.source);
  return "Unavailable — " + reasons.map((m) => (named(m) ? `${m.source}: ${m.reason}` : m.reason)).join("; ");
}

/**
 * The recording days of the snapshot figures among `fields`, each with its sources, oldest first: what a card's
 * SNAPSHOT badge says. Empty when every one of them is live (or none has a source).
 */
export function snapshotDays(analysis: Pick<Analysis, "sources">, fields: readonly string[]): { day: string; sources: string[] }[] {
  const days = new Map<string, Set<string>>();
  for (const field of fields) {
    const p = analysis.sources[field];
    if (p?.mode !== "snapshot") continue;
    const day = utcDay(p.asOf);
    days.set(day, (days.get(day) ?? new Set()).add(p.source));
  }
  return [...days.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([day, sources]) => ({ day, sources: [...sources] }));
}

/** "SNAPSHOT — recorded 2023-10-08, not live"; with several days each names its sources. */
export function snapshotBadgeText(days: { day: string; sources: string[] }[]): string {
  const when = days.length === 1 ? days[0]!.day : days.map((d) => `${d.day} (${d.sources.join(", ")})`).join(", ");
  return `SNAPSHOT — recorded ${when}, not live`;
}

const FIELD_NAMES: Record<string, string> = {
  marketCap: "Market cap",
  volume24h: "24h volume",
  price: "Price",
  "fundamentals.price": "Price",
  "fundamentals.circulatingSupply": "Circulating supply",
  "fundamentals.totalSupply": "Total supply",
  "fundamentals.maxSupply": "Max supply",
  "fundamentals.fullyDilutedValuation": "Fully diluted valuation",
};

export const fieldName = (field: string): string => FIELD_NAMES[field] ?? field;

const MONEY_FIELDS = new Set(["marketCap", "volume24h", "fundamentals.fullyDilutedValuation"]);

/**
 * A conflict in one line per other source: "CoinMarketCap: $60.9B (2019-02-04) — not compared: the figures
 * were taken 1,707 days apart", or with the spread when they were compared.
 */
export function conflictLines(conflict: Conflict): string[] {
  const format = (v: number | null) =>
    MONEY_FIELDS.has(conflict.field) ? usd(v) : conflict.field.endsWith("price") ? usdPrice(v) : amount(v, 2);
  const judged =
    conflict.note ?? (conflict.spread !== null && conflict.spread !== undefined ? `spread ${(conflict.spread * 100).toFixed(1)}% of the figure used` : "");
  return conflict.values
    .filter((v) => v.source !== conflict.used)
    .map((v) => `${v.source}: ${format(v.value)} (${utcDay(v.asOf)})${judged ? ` — ${judged}` : ""}`);
}

/** The posts' mean score per UTC day, oldest first: our sentiment over time. */
export function dailyScores(posts: readonly { publishedAt: string; score: number }[]): { time: number; value: number }[] {
  const days = new Map<string, number[]>();
  for (const post of posts) days.set(utcDay(post.publishedAt), [...(days.get(utcDay(post.publishedAt)) ?? []), post.score]);
  return [...days.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([day, scores]) => ({ time: Date.parse(`${day}T00:00:00Z`) / 1000, value: scores.reduce((s, x) => s + x, 0) / scores.length }));
}
