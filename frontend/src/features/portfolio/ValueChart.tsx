import { useMemo } from "react";
import { LineChart, type Series } from "@/components/charts/LineChart";
import { PALETTE } from "@/components/charts/theme";
import { Card, EmptyState } from "@/components/ui";
import { useDailyCloses } from "./hooks";
import { rebased, valueSeries } from "./series";
import type { ValuePoint } from "./types";

/** The portfolio as it was held each day (the last point: today, live), with BTC-USD over the same days rebased
 * to its first value: what the money would be worth had it been in BTC-USD. */
export function ValueChart({ history }: { history: ValuePoint[] }) {
  const first = history[0]?.date.slice(0, 10);
  const last = history.at(-1)?.date.slice(0, 10);
  const closes = useDailyCloses("BTC-USD", first, last);
  const btc = useMemo(() => (closes.data ? rebased(history, closes.data.data) : null), [closes.data, history]);
  // BTC-USD first: the portfolio's line is drawn over it (a portfolio of BTC-USD alone is the same line).
  const series = useMemo<Series[]>(() => (btc ? [btc, valueSeries(history)] : [valueSeries(history)]), [history, btc]);
  const comparison = closes.isPending ? "loading" : btc ? "shown" : "unavailable";
  const note =
    comparison === "unavailable"
      ? closes.isError
        ? `BTC-USD comparison unavailable: ${closes.error.message}`
        : "BTC-USD comparison unavailable: no BTC-USD daily closes are stored over these days."
      : comparison === "shown"
        ? "BTC-USD rebased to the portfolio's value on its first day: what the money would be worth had it been in BTC-USD."
        : "Loading BTC-USD for comparison…";
  return (
    <Card title="Value over time">
      {history.length < 2 ? (
        <EmptyState title="Not enough history yet">
          <p>The chart starts on the day of the first transaction: come back after a day.</p>
        </EmptyState>
      ) : (
        <div className="stack">
          <LineChart
            label={`Portfolio value in USD at each daily close, as held then${comparison === "shown" ? ", with BTC-USD rebased to the same start" : "; BTC-USD comparison unavailable"}`}
            series={series}
            height={280}
            testId="value-chart"
          />
          <p className="muted pf-footnote" data-testid="value-chart-note">
            <span className="pf-key" style={{ background: PALETTE[btc ? 1 : 0] }} aria-hidden="true" /> Portfolio{" "}
            {comparison === "shown" ? (
              <>
                <span className="pf-key" style={{ background: PALETTE[0] }} aria-hidden="true" /> BTC-USD ·{" "}
              </>
            ) : (
              "· "
            )}
            {note}
          </p>
        </div>
      )}
    </Card>
  );
}
