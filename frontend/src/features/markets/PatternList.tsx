import type { UseQueryResult } from "@tanstack/react-query";
import { useState } from "react";
import type { PatternScan } from "@/api/patterns";
import type { VisibleRange } from "@/components/charts/CandleChart";
import { DataTable, type Column } from "@/components/table/DataTable";
import { EmptyState, Skeleton } from "@/components/ui";
import { formatTime } from "@/lib/format";
import { detectionRows, GROUP_LABELS, inView, type DetectionRow, type PatternGroup } from "./patterns";

const PAGE = 50;

const KIND: Record<PatternGroup, string> = { candles: "Candlestick", chart: "Chart", levels: "Level", trendlines: "Trend line" };

const COLUMNS: Column<DetectionRow>[] = [
  { key: "time", label: "Time", cell: (r) => formatTime(r.time), sortValue: (r) => Date.parse(r.time) },
  { key: "name", label: "Pattern", rowHeader: true, cell: (r) => r.name, sortValue: (r) => r.name },
  { key: "kind", label: "Kind", cell: (r) => KIND[r.group], sortValue: (r) => KIND[r.group], priority: 3 },
  {
    key: "direction",
    label: "Direction",
    cell: (r) => <span className={`pill pattern-direction dir-${r.direction}`}>{r.direction}</span>,
    sortValue: (r) => r.direction,
  },
  { key: "details", label: "Confidence / breakout", cell: (r) => r.details, priority: 2 },
];

/** The detections under the chart: those in the bars in view (levels and trend lines span the chart), newest first. */
export function PatternList({
  scan,
  groups,
  range,
}: {
  scan: UseQueryResult<PatternScan, Error>;
  groups: readonly PatternGroup[];
  range: VisibleRange | null;
}) {
  const [shown, setShown] = useState(PAGE);
  if (!groups.length) return null;
  if (scan.isPending) {
    // Pending and not fetching: the candles are not there yet to scan.
    return scan.isFetching ? <Skeleton lines={3} height={22} /> : null;
  }
  if (scan.isError) {
    return (
      <EmptyState title="Could not find patterns">
        <p>{scan.error.message}</p>
        <button type="button" onClick={() => void scan.refetch()}>
          Try again
        </button>
      </EmptyState>
    );
  }
  const all = detectionRows(scan.data, groups);
  const rows = all.filter((r) => inView(r, range));
  const hidden = all.length - rows.length;
  const lookedFor = groups.map((g) => GROUP_LABELS[g].toLowerCase()).join(", ");
  return (
    <section className="pattern-list stack" aria-labelledby="pattern-list-title" data-testid="pattern-list">
      <h3 id="pattern-list-title" className="pattern-list-title">
        Patterns in view{" "}
        <span className="muted">
          ({rows.length}
          {hidden ? ` · ${hidden} more outside the bars in view` : ""})
        </span>
      </h3>
      {scan.data.note ? (
        <p className="muted pattern-note" data-testid="pattern-note">
          {scan.data.note}
        </p>
      ) : null}
      <DataTable
        columns={COLUMNS}
        rows={rows}
        rowKey={(r) => r.key}
        label="Patterns in view"
        testId="pattern-table"
        maxHeight="320px"
        limit={shown}
        cards
        defaultSort={{ key: "time", direction: "descending" }}
        empty={
          <EmptyState title="No patterns in these bars">
            {hidden ? "Scroll or zoom out the chart to see the others." : `Looked for ${lookedFor} in ${scan.data.bars} bars.`}
          </EmptyState>
        }
      />
      {rows.length > shown ? (
        <div>
          <button type="button" onClick={() => setShown(shown + PAGE * 4)}>
            Show more ({rows.length - shown} left)
          </button>
        </div>
      ) : null}
    </section>
  );
}
