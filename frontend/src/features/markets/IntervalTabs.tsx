import { INTERVALS, type Interval } from "@/lib/intervals";

/** The candle interval switch. */
export function IntervalTabs({ value, onChange }: { value: Interval; onChange: (interval: Interval) => void }) {
  return (
    <div className="tabs interval-tabs" role="tablist" aria-label="Candle interval">
      {INTERVALS.map((interval) => (
        <button
          key={interval}
          type="button"
          role="tab"
          aria-selected={interval === value}
          onClick={() => onChange(interval)}
        >
          {interval}
        </button>
      ))}
    </div>
  );
}
