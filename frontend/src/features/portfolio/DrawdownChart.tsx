import { useMemo } from "react";
import { LineChart } from "@/components/charts/LineChart";
import { Card, EmptyState } from "@/components/ui";
import { signedPercent } from "./format";
import { drawdownSeries } from "./series";
import type { Analysis } from "./types";

/** How far below its running peak the current holdings were at each daily close of the lookback. */
export function DrawdownChart({ analysis }: { analysis: Analysis }) {
  const series = useMemo(() => [drawdownSeries(analysis.values)], [analysis.values]);
  const deepest = analysis.riskMetrics.maxDrawdown;
  return (
    <Card title="Drawdown of the current holdings">
      {analysis.values.length < 2 ? (
        <EmptyState title="No drawdown to draw">
          <p>None of the holdings has daily closes in the lookback.</p>
        </EmptyState>
      ) : (
        <div className="stack">
          <LineChart label="Drawdown of the current holdings, percent below the running peak at each daily close" series={series} height={220} testId="drawdown-chart" />
          <p className="muted pf-footnote">
            (V / running peak − 1) × 100 at each close of the last {analysis.lookbackDays} days
            {deepest === null ? "." : `; the deepest: ${signedPercent(deepest / 100)}.`}
          </p>
        </div>
      )}
    </Card>
  );
}
