import type { Candle } from "@/components/charts/CandleChart";
import { DataTable, type Column } from "@/components/table/DataTable";
import { isoFromEpoch, shortUtc } from "@/lib/dates";
import { formatCompact, formatPrice } from "@/lib/format";

const price = (key: "open" | "high" | "low", label: string): Column<Candle> => ({
  key,
  label,
  align: "end",
  cell: (c) => formatPrice(c[key]),
  sortValue: (c) => c[key],
  priority: 2,
});

const COLUMNS: Column<Candle>[] = [
  { key: "time", label: "Open time (UTC)", cell: (c) => shortUtc(isoFromEpoch(c.time)), sortValue: (c) => c.time },
  price("open", "Open"),
  price("high", "High"),
  price("low", "Low"),
  {
    key: "close",
    label: "Close",
    align: "end",
    cell: (c) => formatPrice(c.close),
    sortValue: (c) => c.close,
    cellProps: (c) => ({ className: c.close >= c.open ? "up" : "down" }),
  },
  { key: "volume", label: "Volume", align: "end", cell: (c) => formatCompact(c.volume), sortValue: (c) => c.volume },
];

/** The loaded candles, oldest first (times in UTC, as stored). */
export function CandleTable({ candles }: { candles: Candle[] }) {
  return <DataTable columns={COLUMNS} rows={candles} rowKey={(c) => c.time} label="Candles" testId="candle-table" maxHeight="420px" />;
}
