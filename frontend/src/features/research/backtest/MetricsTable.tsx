import type { Results } from "../api";
import { formatMetric, metricKeys, metricLabel, metricTone } from "./metrics";

/** Every key of a run's `results`, labelled and formatted (percentages, ratios, cash, counts). */
export function MetricsTable({ results, testId = "metrics-table" }: { results: Results; testId?: string }) {
  return (
    <div className="table-wrap">
      <table data-testid={testId} className="metrics-table">
        <thead>
          <tr>
            <th scope="col">Metric</th>
            <th scope="col" className="num">
              Value
            </th>
          </tr>
        </thead>
        <tbody>
          {metricKeys(results).map((key) => (
            <tr key={key} data-metric={key}>
              <th scope="row">{metricLabel(key)}</th>
              <td className={"num " + (metricTone(key, results[key]) ?? "")}>{formatMetric(key, results[key])}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
