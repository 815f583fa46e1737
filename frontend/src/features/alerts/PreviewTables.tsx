/** The preview's tables: returns after the triggers per horizon, and the triggers themselves. */
import { DataTable, type Column } from "@/components/table/DataTable";
import { formatNumber, formatPercent, formatPrice, formatTime } from "@/lib/format";
import { HORIZONS, type BacktestResult } from "./types";

type Horizon = (typeof HORIZONS)[number];
type Trigger = BacktestResult["triggers"][number];

function Returns({ value }: { value: number | null | undefined }) {
  const cls = value === null || value === undefined ? "muted" : value > 0 ? "up" : value < 0 ? "down" : "";
  return <span className={cls}>{formatPercent(value)}</span>;
}

export function ReturnsTable({ result }: { result: BacktestResult }) {
  const columns: Column<Horizon>[] = [
    { key: "after", label: "After", rowHeader: true, cell: (h) => h },
    { key: "judged", label: "Judged", align: "end", cell: (h) => result.summary[h]?.judged ?? 0 },
    { key: "mean", label: "Mean return", align: "end", cell: (h) => <Returns value={result.summary[h]?.meanReturn} /> },
    { key: "median", label: "Median return", align: "end", cell: (h) => <Returns value={result.summary[h]?.medianReturn} /> },
    {
      key: "inDirection",
      label: "Moved the alert's way",
      align: "end",
      cell: (h) => {
        const share = result.summary[h]?.inDirection;
        return share === null || share === undefined ? "–" : `${formatNumber(share * 100, 1)}%`;
      },
      cellProps: (h) => ({ "data-testid": `in-direction-${h}` }),
    },
  ];
  return <DataTable columns={columns} rows={HORIZONS} rowKey={(h) => h} label="Returns after the triggers" />;
}

export function TriggersTable({ result, limit }: { result: BacktestResult; limit: number }) {
  const columns: Column<Trigger>[] = [
    { key: "time", label: "Time", cell: (t) => formatTime(t.timestamp), sortValue: (t) => t.timestamp },
    { key: "price", label: "Price", align: "end", cell: (t) => formatPrice(t.price), sortValue: (t) => t.price },
    ...(result.operand === "PRICE"
      ? []
      : [{ key: "value", label: "Value", align: "end", cell: (t: Trigger) => formatNumber(t.value), sortValue: (t: Trigger) => t.value } as const]),
    {
      key: "direction",
      label: "Direction",
      cell: (t) => (t.direction === "UP" ? "↑ UP" : "↓ DOWN"),
      sortValue: (t) => t.direction,
      cellProps: (t) => ({ className: t.direction === "UP" ? "up" : "down" }),
    },
    ...HORIZONS.map(
      (h): Column<Trigger> => ({ key: h, label: h, align: "end", cell: (t) => <Returns value={t.returns[h]} />, sortValue: (t) => t.returns[h] }),
    ),
  ];
  return <DataTable columns={columns} rows={result.triggers} rowKey={(t) => t.timestamp} label="Triggers" limit={limit} maxHeight="22rem" />;
}
