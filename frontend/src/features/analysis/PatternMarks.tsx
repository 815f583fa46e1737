import { formatTime } from "@/lib/format";
import type { PatternMark } from "./types";

const DIRECTIONS = ["bullish", "bearish", "neutral"] as const;
const LEANING = { bullish: "up", bearish: "down", neutral: "flat" } as const;

/** The patterns a timeframe's last bars hold, newest first, in a box that scrolls (a busy timeframe has a hundred),
 * under a count by direction; what to say when none. Nothing when they were not asked for. */
export function PatternMarks({ patterns, bars, timeframe }: { patterns: PatternMark[] | null | undefined; bars: number; timeframe: string }) {
  if (!bars) return null;
  const sorted = [...(patterns ?? [])].sort((a, b) => Date.parse(b.time) - Date.parse(a.time));
  const counts = DIRECTIONS.map((d) => [d, sorted.filter((p) => p.direction === d).length] as const).filter(([, n]) => n > 0);
  const id = `tf-patterns-${timeframe}`;
  return (
    <section className="pattern-marks" aria-labelledby={id} data-testid="analysis-patterns">
      <h3 id={id}>
        Patterns in the last {bars} {timeframe} bars <span className="muted">({sorted.length})</span>
      </h3>
      {sorted.length ? (
        <>
          <p className="muted pattern-marks-counts">{counts.map(([d, n]) => `${n} ${d}`).join(" · ")}</p>
          {/* Focusable so that a keyboard can scroll it. */}
          <div className="pattern-marks-scroll" tabIndex={0} role="region" aria-label={`Patterns of the last ${bars} ${timeframe} bars`}>
            <ul>
              {sorted.map((p) => (
                <li key={`${p.name}-${p.time}`}>
                  <span className="muted pattern-marks-time">{formatTime(p.time)}</span>
                  <span className={`pill signal signal-${LEANING[p.direction]}`}>{p.direction}</span>
                  <strong>{p.title}</strong>
                </li>
              ))}
            </ul>
          </div>
        </>
      ) : (
        <p className="muted">No patterns in these bars.</p>
      )}
    </section>
  );
}
