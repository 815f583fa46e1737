/** Money and signed figures as the portfolio screens show them (the app's formatters for the rest). */
const locale = () => (typeof navigator !== "undefined" ? navigator.language : "en-US");

const finite = (value: number | null | undefined): value is number => value !== null && value !== undefined && Number.isFinite(value);

/** 25125 -> "25,125.00" (USD; the API values everything in USD). */
export function money(value: number | null | undefined): string {
  if (!finite(value)) return "—";
  return value.toLocaleString(locale(), { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

/** 1125 -> "+1,125.00", -3 -> "−3.00". */
export function signedMoney(value: number | null | undefined): string {
  if (!finite(value)) return "—";
  const text = money(Math.abs(value));
  if (Math.abs(value) < 0.005) return text; // "0.00", not "+0.00"
  return value > 0 ? `+${text}` : `−${text}`;
}

/** A fraction as a signed percent: 0.046875 -> "+4.69%". */
export function signedPercent(fraction: number | null | undefined, digits = 2): string {
  if (!finite(fraction)) return "—";
  const abs = Math.abs(fraction * 100);
  const text = abs.toLocaleString(locale(), { minimumFractionDigits: digits, maximumFractionDigits: digits });
  if (Number(abs.toFixed(digits)) === 0) return `${text}%`; // "0.00%", not "+0.00%"
  return fraction > 0 ? `+${text}%` : `−${text}%`;
}

/** A fraction as a plain percent: 0.6 -> "60.0%". */
export function percent(fraction: number | null | undefined, digits = 1): string {
  if (!finite(fraction)) return "—";
  return `${(fraction * 100).toLocaleString(locale(), { minimumFractionDigits: digits, maximumFractionDigits: digits })}%`;
}

/** Quantities to 8 decimals without trailing zeros. */
export function quantity(value: number | null | undefined): string {
  if (!finite(value)) return "—";
  return value.toLocaleString(locale(), { maximumFractionDigits: 8 });
}

/** "up" / "down" for a signed figure, for the tone classes (text, not colour alone, carries the sign). */
export function tone(value: number | null | undefined): string | undefined {
  if (!finite(value) || value === 0) return undefined;
  return value > 0 ? "up" : "down";
}

/** A ratio to 2 decimals, negative with a minus sign: -0.17 -> "−0.17". */
export function ratio(value: number | null | undefined): string {
  if (!finite(value)) return "—";
  const text = Math.abs(value).toLocaleString(locale(), { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return value < 0 && Number(Math.abs(value).toFixed(2)) !== 0 ? `−${text}` : text;
}
