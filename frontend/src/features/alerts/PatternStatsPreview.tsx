import { isStatsJob, usePatternStats } from "@/api/patterns";
import { Skeleton } from "@/components/ui";
import { formatNumber, formatPercent, formatTime } from "@/lib/format";
import { PATTERN_TIMEFRAME, type RuleForm } from "./rule";

/** In place of the backtest for a pattern alert: how often the pattern appeared on this symbol and timeframe, and
 * how often the price then moved its way 1, 5 and 20 bars on (GET /api/patterns/stats, computed in the background). */
export function PatternStatsPreview({ form, title }: { form: RuleForm; title: string | undefined }) {
  const timeframe = form.timeframe || PATTERN_TIMEFRAME;
  const stats = usePatternStats(form.symbol, form.pattern, timeframe);
  const data = stats.data;
  return (
    <section className="card alert-preview" aria-labelledby="alert-preview-title" data-testid="pattern-stats">
      <div className="card-header">
        <h2 id="alert-preview-title">How has it done?</h2>
      </div>
      {!form.pattern ? (
        <p className="muted">Choose a pattern to see how often it appeared on {form.symbol} and what followed.</p>
      ) : stats.isError ? (
        <p className="form-error" role="alert">
          Could not compute the pattern's record: {stats.error.message}
        </p>
      ) : stats.isPending || isStatsJob(data) ? (
        <div className="stack" aria-live="polite">
          <p className="muted">Going through the stored {timeframe} bars of {form.symbol}…</p>
          <Skeleton lines={3} />
        </div>
      ) : data ? (
        <div className="stack" aria-live="polite">
          <p className="alert-preview-headline">
            {data.title || title || form.pattern} appeared <strong data-testid="pattern-stats-count">{formatNumber(data.count, 0)}</strong>{" "}
            {data.count === 1 ? "time" : "times"} in {formatNumber(data.bars, 0)} {data.interval} bars of {data.symbol}.
          </p>
          {data.count > 0 ? (
            <table className="alert-pattern-stats" aria-label="Moves after each occurrence">
              <thead>
                <tr>
                  <th scope="col">Bars later</th>
                  <th scope="col" className="num">
                    Times
                  </th>
                  <th scope="col" className="num">
                    Went its way
                  </th>
                  <th scope="col" className="num" title="Signed: positive is the pattern's way">
                    Median move its way
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.horizons.map((h) => (
                  <tr key={h.bars}>
                    <th scope="row">{h.bars}</th>
                    <td className="num">{formatNumber(h.count, 0)}</td>
                    <td className="num">{h.followed === null ? "–" : formatPercent(h.followed, 0).replace("+", "")}</td>
                    <td className="num">{formatPercent(h.medianMove)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          <p className="muted alert-inline-empty">
            Past patterns, not a forecast · computed {formatTime(data.computedAt)}
          </p>
        </div>
      ) : null}
    </section>
  );
}
