import { useState } from "react";
import { Card } from "@/components/ui";
import { useRoving } from "@/lib/roving";
import { PatternMarks } from "./PatternMarks";
import { SignalsTable, SummaryPill } from "./SignalsTable";
import type { TechnicalResult } from "./types";

/** The analysis: the overall summary, then each timeframe's table, patterns (when asked for: `patternBars`) and
 * server-rendered chart (tabs). */
export function TimeframeResults({ result, patternBars = 0 }: { result: TechnicalResult; patternBars?: number }) {
  const frames = Object.values(result.timeframes);
  const [chosen, setChosen] = useState(result.timeframe);
  const current = result.timeframes[chosen] ?? frames[0];
  const at = frames.findIndex((f) => f.timeframe === current?.timeframe);
  const roving = useRoving(frames.length, at, (i) => setChosen(frames[i]!.timeframe));
  if (!current) return null;
  return (
    <Card
      title={`${result.symbol} over ${result.period}`}
      actions={
        <span className="muted">
          overall ({result.timeframe}) <SummaryPill summary={result.summary} />
        </span>
      }
    >
      <div className="stack">
        <div className="tabs" role="tablist" aria-label="Timeframe" onKeyDown={roving.onKeyDown}>
          {frames.map((f, i) => (
            <button
              key={f.timeframe}
              ref={roving.ref(i)}
              type="button"
              role="tab"
              id={`tf-tab-${f.timeframe}`}
              tabIndex={roving.tabIndexOf(i)}
              aria-selected={f.timeframe === current.timeframe}
              aria-controls="tf-panel"
              onClick={() => setChosen(f.timeframe)}
            >
              {f.timeframe}
            </button>
          ))}
        </div>
        <div id="tf-panel" role="tabpanel" tabIndex={0} aria-labelledby={`tf-tab-${current.timeframe}`} className="analysis-panel">
          <div className="stack">
            <SignalsTable result={current} />
            <PatternMarks patterns={current.patterns} bars={patternBars} timeframe={current.timeframe} />
          </div>
          <img
            className="analysis-chart"
            src={current.chartUrl}
            alt={`${result.symbol} ${current.timeframe} candles with ${Object.keys(current.indicators).join(", ")}`}
            loading="lazy"
          />
        </div>
      </div>
    </Card>
  );
}
