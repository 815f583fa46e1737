/** The candle intervals the historical API serves (also the alert timeframes), and their length. */
export const INTERVALS = ["1m", "5m", "15m", "1h", "4h", "1d"] as const;
export type Interval = (typeof INTERVALS)[number];

export const INTERVAL_SECONDS: Record<Interval, number> = {
  "1m": 60,
  "5m": 300,
  "15m": 900,
  "1h": 3600,
  "4h": 14_400,
  "1d": 86_400,
};

export function isInterval(value: string | null | undefined): value is Interval {
  return (INTERVALS as readonly string[]).includes(value ?? "");
}
