import { formatPrice, formatTime } from "@/lib/format";
import { describeReading, humanize, leaning } from "./readings";
import type { Summary, TimeframeResult } from "./types";

export function SummaryPill({ summary }: { summary: Summary }) {
  return (
    <span className={`pill signal-${leaning(summary.signal) || "flat"}`} title={`score ${summary.score} of ${summary.votes} votes`}>
      {humanize(summary.signal)} · {summary.score > 0 ? "+" : ""}
      {summary.score}/{summary.votes}
    </span>
  );
}

/** One timeframe's readings: indicator, latest value(s) and signal words. */
export function SignalsTable({ result }: { result: TimeframeResult }) {
  return (
    <div className="stack">
      <p className="muted signals-meta">
        Last candle {formatTime(result.candleTime)} · close {formatPrice(result.close)} · summary{" "}
        <SummaryPill summary={result.summary} />
      </p>
      <div className="table-wrap">
        <table aria-label={`${result.timeframe} signals`}>
          <thead>
            <tr>
              <th scope="col">Indicator</th>
              <th scope="col" className="num">
                Value
              </th>
              <th scope="col">Signal</th>
            </tr>
          </thead>
          <tbody>
            {Object.entries(result.indicators).map(([name, reading]) => {
              const { values, signals } = describeReading(reading);
              return (
                <tr key={name}>
                  <th scope="row">{name}</th>
                  <td className="num">
                    {values.length ? values.map((v) => <div key={v}>{v}</div>) : "–"}
                  </td>
                  <td>
                    {signals.length
                      ? signals.map((s) => (
                          <span key={s} className={`pill signal signal-${leaning(s) || "flat"}`}>
                            {humanize(s)}
                          </span>
                        ))
                      : "–"}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}
