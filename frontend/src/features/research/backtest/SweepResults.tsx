import { useMemo, useState } from "react";
import { Field } from "@/components/ui";
import type { SweepResult } from "../api";
import { isoFromEpoch, shortUtc } from "@/lib/dates";
import { paramLabel } from "./draft";
import { HeatMap } from "./HeatMap";
import { formatMetric, metricLabel, metricTone } from "./metrics";
import { heatGrid, type Sample } from "./sweep";

/** The parameters that take more than one value across the results (the swept ones). */
export function sweptParameters(result: SweepResult): string[] {
  const names = [...new Set(result.results.flatMap((r) => Object.keys(r.parameters)))];
  return names.filter((n) => new Set(result.results.map((r) => r.parameters[n])).size > 1);
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
          <div className="table-wrap research-scroll" tabIndex={0} aria-label="Ranked combinations">
            <table data-testid="sweep-table">
              <thead>
                <tr>
                  <th scope="col">#</th>
                  {shown.map((n) => (
                    <th key={n} scope="col" className="num">
                      {paramLabel(n)}
                    </th>
                  ))}
                  <th scope="col" className="num">
                    In-sample {metricLabel(metric)}
                  </th>
                  <th scope="col" className="num">
                    Out-of-sample {metricLabel(metric)}
                  </th>
                  <th scope="col" className="num">
                    In-sample return
                  </th>
                  <th scope="col" className="num">
                    Out-of-sample return
                  </th>
                  <th scope="col" className="num">
                    Trades (in / out)
                  </th>
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {result.results.map((row, i) => (
                  <tr key={i}>
                    <td>{i + 1}</td>
                    {shown.map((n) => (
                      <td key={n} className="num">
                        {row.parameters[n]}
                      </td>
                    ))}
                    <td className={"num " + (metricTone(metric, row.inSample[metric]) ?? "")}>{formatMetric(metric, row.inSample[metric])}</td>
                    <td className={"num " + (metricTone(metric, row.outOfSample?.[metric]) ?? "")}>
                      {formatMetric(metric, row.outOfSample?.[metric])}
                    </td>
                    <td className={"num " + (metricTone("totalReturn", row.inSample.totalReturn) ?? "")}>
                      {formatMetric("totalReturn", row.inSample.totalReturn)}
                    </td>
                    <td className={"num " + (metricTone("totalReturn", row.outOfSample?.totalReturn) ?? "")}>
                      {formatMetric("totalReturn", row.outOfSample?.totalReturn)}
                    </td>
                    <td className="num">
                      {formatMetric("totalTrades", row.inSample.totalTrades)} / {formatMetric("totalTrades", row.outOfSample?.totalTrades)}
                    </td>
                    <td>
                      <button type="button" onClick={() => onUse(row.parameters)} aria-label={`Use combination ${i + 1} in the form`}>
                        Use
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </div>
  );
}
