import { DataTable, type Column } from "@/components/table/DataTable";
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

type Reading = [name: string, reading: TimeframeResult["indicators"][string]];

const COLUMNS: Column<Reading>[] = [
  { key: "indicator", label: "Indicator", rowHeader: true, cell: ([name]) => name, sortValue: ([name]) => name },
  {
    key: "value",
    label: "Value",
    align: "end",
    cell: ([, reading]) => {
      const { values } = describeReading(reading);
      return values.length ? values.map((v) => <div key={v}>{v}</div>) : "–";
    },
  },
  {
    key: "signal",
    label: "Signal",
    cell: ([, reading]) => {
      const { signals } = describeReading(reading);
      return signals.length
        ? signals.map((s) => (
            <span key={s} className={`pill signal signal-${leaning(s) || "flat"}`}>
              {humanize(s)}
            </span>
          ))
        : "–";
    },
    sortValue: ([, reading]) => describeReading(reading).signals.join(" ") || null,
  },
];

/** One timeframe's readings: indicator, latest value(s) and signal words. */
export function SignalsTable({ result }: { result: TimeframeResult }) {
  return (
    <div className="stack">
      <p className="muted signals-meta">
        Last candle {formatTime(result.candleTime)} · close {formatPrice(result.close)} · summary{" "}
        <SummaryPill summary={result.summary} />
      </p>
      <DataTable columns={COLUMNS} rows={Object.entries(result.indicators)} rowKey={([name]) => name} label={`${result.timeframe} signals`} />
    </div>
  );
}
