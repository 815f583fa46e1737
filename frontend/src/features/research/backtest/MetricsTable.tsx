import { DataTable, type Column } from "@/components/table/DataTable";
import type { Results } from "../api";
import { formatMetric, metricKeys, metricLabel, metricTone } from "./metrics";

/** Every key of a run's `results`, labelled and formatted (percentages, ratios, cash, counts). */
export function MetricsTable({ results, testId = "metrics-table" }: { results: Results; testId?: string }) {
  const columns: Column<string>[] = [
    { key: "metric", label: "Metric", rowHeader: true, cell: metricLabel },
    {
      key: "value",
      label: "Value",
      align: "end",
      cell: (key) => formatMetric(key, results[key]),
      cellProps: (key) => ({ className: metricTone(key, results[key]) }),
    },
  ];
  return (
    <DataTable
      columns={columns}
      rows={metricKeys(results)}
      rowKey={(key) => key}
      label="Metrics"
      testId={testId}
      className="metrics-table"
      maxHeight="none"
      rowProps={(key) => ({ "data-metric": key })}
    />
  );
}
