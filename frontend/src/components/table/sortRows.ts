/** Sorting a table's rows by one column's value, stably, with empty values last in both directions. */

export type SortValue = string | number | null | undefined;
export type SortDirection = "ascending" | "descending";

export interface Sorted<Row> {
  row: Row;
  /** Its position in the rows as given (a trade's or a rank's number does not change with the sort). */
  index: number;
}

export function sortRows<Row>(rows: readonly Row[], value: ((row: Row, index: number) => SortValue) | undefined, direction: SortDirection): Sorted<Row>[] {
  const indexed = rows.map((row, index) => ({ row, index }));
  if (!value) return indexed;
  const sign = direction === "ascending" ? 1 : -1;
  const keyed = indexed.map((item) => ({ item, key: value(item.row, item.index) }));
  keyed.sort((a, b) => {
    const emptyA = a.key === null || a.key === undefined;
    const emptyB = b.key === null || b.key === undefined;
    if (emptyA || emptyB) return emptyA === emptyB ? a.item.index - b.item.index : emptyA ? 1 : -1;
    const order =
      typeof a.key === "number" && typeof b.key === "number"
        ? a.key - b.key
        : String(a.key).localeCompare(String(b.key), undefined, { numeric: true });
    return sign * order || a.item.index - b.item.index;
  });
  return keyed.map((k) => k.item);
}
