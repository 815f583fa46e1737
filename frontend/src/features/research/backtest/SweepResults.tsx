import { useMemo, useState } from "react";
import { DataTable, type Column } from "@/components/table/DataTable";
import { Field } from "@/components/ui";
import { isoFromEpoch, shortUtc } from "@/lib/dates";
import type { Results, SweepResult } from "../api";
import { paramLabel } from "./draft";
import { HeatMap } from "./HeatMap";
import { formatMetric, metricLabel, metricOrder, metricTone } from "./metrics";
import { heatGrid, type Sample } from "./sweep";

/** The parameters that take more than one value across the results (the swept ones). */
export function sweptParameters(result: SweepResult): string[] {
  const names = [...new Set(result.results.flatMap((r) => Object.keys(r.parameters)))];
  return names.filter((n) => new Set(result.results.map((r) => r.parameters[n])).size > 1);
}

type Row = SweepResult["results"][number];

const metricColumn = (key: string, label: string, of: (row: Row) => Results | null): Column<Row> => ({
  key: label,
  label,
  align: "end",
  cell: (row) => formatMetric(key, of(row)?.[key]),
  sortValue: (row) => metricOrder(of(row)?.[key]),
  cellProps: (row) => ({ className: metricTone(key, of(row)?.[key]) }),
});

/** The ranked table's columns: rank, the swept parameters, the ranking metric and return in and out of sample. */
function sweepColumns(parameters: string[], metric: string, onUse: (parameters: Record<string, number>) => void): Column<Row>[] {
  return [
    { key: "rank", label: "#", cell: (_, i) => i + 1, sortValue: (_, i) => i },
    ...parameters.map(
      (n): Column<Row> => ({ key: `p-${n}`, label: paramLabel(n), align: "end", cell: (row) => row.parameters[n], sortValue: (row) => row.parameters[n] }),
    ),
    metricColumn(metric, `In-sample ${metricLabel(metric)}`, (row) => row.inSample),
    metricColumn(metric, `Out-of-sample ${metricLabel(metric)}`, (row) => row.outOfSample),
    { ...metricColumn("totalReturn", "In-sample return", (row) => row.inSample), priority: 2 },
    { ...metricColumn("totalReturn", "Out-of-sample return", (row) => row.outOfSample), priority: 2 },
    {
      key: "trades",
      label: "Trades (in / out)",
      align: "end",
      cell: (row) => `${formatMetric("totalTrades", row.inSample.totalTrades)} / ${formatMetric("totalTrades", row.outOfSample?.totalTrades)}`,
      sortValue: (row) => metricOrder(row.inSample.totalTrades),
      priority: 2,
    },
    {
      key: "use",
      label: "Actions",
      hideLabel: true,
      cell: (row, i) => (
        <button type="button" onClick={() => onUse(row.parameters)} aria-label={`Use combination ${i + 1} in the form`}>
          Use
        </button>
      ),
    },
  ];
}

/** A finished sweep: the heat-map over two chosen parameters and the ranked table, in and out of sample. */
export function SweepResults({ result, onUse }: { result: SweepResult; onUse: (parameters: Record<string, number>) => void }) {
  const swept = useMemo(() => sweptParameters(result), [result]);
  const [x, setX] = useState(swept[0] ?? "");
  const [y, setY] = useState(swept[1] ?? "");
  const [sample, setSample] = useState<Sample>("inSample");
  const metric = result.metric;
  const grid = useMemo(() => heatGrid(result.results, x, y, metric, sample), [result, x, y, metric, sample]);
  const shown = swept.length ? swept : [...new Set(result.results.flatMap((r) => Object.keys(r.parameters)))];

  return (
    <div className="stack" data-testid="sweep-results">
      <p className="muted">
        {result.combinations.toLocaleString()} combinations
        {result.skipped ? `, ${result.skipped} skipped as invalid` : ""} · in sample from{" "}
        {shortUtc(isoFromEpoch(result.inSample.from))} ({result.inSample.bars.toLocaleString()} bars) · out of sample{" "}
        {result.outOfSample.from !== null
          ? `from ${shortUtc(isoFromEpoch(result.outOfSample.from))} (${result.outOfSample.bars.toLocaleString()} bars)`
          : "none"}{" "}
        · ranked by in-sample {metricLabel(metric)}
      </p>
      {result.results.length === 0 ? (
        <p className="muted">No combination could be run. Widen the ranges or check the parameters&apos; bounds.</p>
      ) : (
        <>
          <div className="row">
            <Field label="Heat-map columns" htmlFor="heat-x">
              <select id="heat-x" value={x} onChange={(e) => setX(e.target.value)}>
                {shown.map((n) => (
                  <option key={n} value={n}>
                    {paramLabel(n)}
                  </option>
                ))}
              </select>
            </Field>
            <Field label="Heat-map rows" htmlFor="heat-y">
              <select id="heat-y" value={y} onChange={(e) => setY(e.target.value)}>
                <option value="">(none: one row)</option>
                {shown
                  .filter((n) => n !== x)
                  .map((n) => (
                    <option key={n} value={n}>
                      {paramLabel(n)}
                    </option>
                  ))}
              </select>
            </Field>
            <Field label="Heat-map sample" htmlFor="heat-sample">
              <select id="heat-sample" value={sample} onChange={(e) => setSample(e.target.value as Sample)}>
                <option value="inSample">In sample</option>
                <option value="outOfSample">Out of sample</option>
              </select>
            </Field>
          </div>
          <HeatMap grid={grid} x={x} y={y === x ? "" : y} metric={metric} />
          <DataTable
            columns={sweepColumns(shown, metric, onUse)}
            rows={result.results}
            rowKey={(_, i) => i}
            label="Ranked combinations"
            testId="sweep-table"
            maxHeight="420px"
          />
        </>
      )}
    </div>
  );
}
