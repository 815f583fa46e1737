import { INTERVALS, type Interval } from "@/lib/intervals";
import { useRoving } from "@/lib/roving";

/**
 * The candle interval switch. One choice out of six that changes the chart it sits on (no panel of its own),
 * so a radio group: one tab stop (the chosen interval); arrow keys, Home and End move the choice.
 */
export function IntervalTabs({ value, onChange }: { value: Interval; onChange: (interval: Interval) => void }) {
  const roving = useRoving(INTERVALS.length, INTERVALS.indexOf(value), (i) => onChange(INTERVALS[i]!));
  return (
    <div className="tabs interval-tabs" role="radiogroup" aria-label="Candle interval" onKeyDown={roving.onKeyDown}>
      {INTERVALS.map((interval, i) => (
        <button
          key={interval}
          ref={roving.ref(i)}
          type="button"
          role="radio"
          aria-checked={interval === value}
          tabIndex={roving.tabIndexOf(i)}
          onClick={() => onChange(interval)}
        >
          {interval}
        </button>
      ))}
    </div>
  );
}
