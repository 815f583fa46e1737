/** Numbers as people read them: prices with digits by magnitude, compact volumes, signed percents. */
const locale = () => (typeof navigator !== "undefined" ? navigator.language : "en-US");

export function formatPrice(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  const abs = Math.abs(value);
  const digits = abs >= 1000 ? 2 : abs >= 1 ? 4 : abs >= 0.01 ? 6 : 8;
  return value.toLocaleString(locale(), { minimumFractionDigits: Math.min(2, digits), maximumFractionDigits: digits });
}

export function formatCompact(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  return value.toLocaleString(locale(), { notation: "compact", maximumFractionDigits: 2 });
}

/** A fraction as a signed percent: 0.0213 -> "+2.13%". */
export function formatPercent(fraction: number | null | undefined, digits = 2): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return "–";
  const text = (fraction * 100).toLocaleString(locale(), { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return (fraction > 0 ? "+" : "") + text + "%";
}

export function formatNumber(value: number | null | undefined, digits = 4): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  return value.toLocaleString(locale(), { maximumFractionDigits: digits });
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return "–";
  return new Date(iso).toLocaleString(locale(), { dateStyle: "medium", timeStyle: "short" });
}
