/** The app's one table: typed columns, click-to-sort headers, a sticky header, and low-priority columns that
 * give way so that the key columns never clip. */
import { useRef, useState, type HTMLAttributes, type Key, type ReactNode, type TdHTMLAttributes } from "react";
import { EmptyState } from "@/components/ui";
import { useFitColumns } from "./fitColumns";
import { sortRows, type SortDirection, type SortValue } from "./sortRows";
import "./DataTable.css";

type DataAttributes = { [name: `data-${string}`]: string | undefined };
type CellProps = TdHTMLAttributes<HTMLTableCellElement> & DataAttributes;
type RowProps = HTMLAttributes<HTMLTableRowElement> & DataAttributes;

export interface Column<Row> {
  key: string;
  /** The header's text; also the cell's label when rows become cards, and the name of a hidden column. */
  label: string;
  /** Richer header content than the label (the label stays its accessible name when `hideLabel`). */
  header?: ReactNode;
  /** The header is for screen readers only (an actions column). */
  hideLabel?: boolean;
  cell: (row: Row, index: number) => ReactNode;
  /** Makes the header a sort button; numbers sort numerically, text naturally, empty values last. */
  sortValue?: (row: Row, index: number) => SortValue;
  /** "end" for numbers. */
  align?: "start" | "end";
  /** 1 (the default) is a key column, always shown; 2, 3… are hidden first, highest first, when space runs out. */
  priority?: number;
  /** The cell names its row (`<th scope="row">`). */
  rowHeader?: boolean;
  /** Classes and attributes of one row's cell (tone, tooltip, test id). */
  cellProps?: (row: Row) => CellProps;
}

export interface DataTableProps<Row> {
  columns: readonly Column<Row>[];
  rows: readonly Row[];
  rowKey: (row: Row, index: number) => Key;
  /** The table's accessible name. */
  label: string;
  testId?: string;
  /** Shown instead of the table when there are no rows. */
  empty?: ReactNode;
  /** Only the first rows (after sorting) are shown: the caller offers "show more". */
  limit?: number;
  defaultSort?: { key: string; direction: SortDirection };
  /** Taller tables scroll inside this height (70% of the window by default), under their sticky header. */
  maxHeight?: string;
  /** On narrow screens each row becomes a card of label: value lines. */
  cards?: boolean;
  className?: string;
  rowProps?: (row: Row) => RowProps;
}

function Header<Row>({ column, sort, onSort }: { column: Column<Row>; sort: DataTableProps<Row>["defaultSort"]; onSort: () => void }) {
  const content = column.hideLabel ? <span className="sr-only">{column.label}</span> : (column.header ?? column.label);
  if (!column.sortValue) return content;
  const direction = sort?.key === column.key ? sort.direction : undefined;
  return (
    <button type="button" className="data-table-sort" onClick={onSort}>
      {content}
      <span aria-hidden="true" className="data-table-arrow">
        {direction === "ascending" ? "▲" : direction === "descending" ? "▼" : "↕"}
      </span>
    </button>
  );
}

export function DataTable<Row>(props: DataTableProps<Row>) {
  const { columns, rows, rowKey, label, testId, empty, limit, maxHeight = "70vh", cards, className, rowProps } = props;
  const [sort, setSort] = useState(props.defaultSort);
  const [showAll, setShowAll] = useState(false);
  const wrapRef = useRef<HTMLDivElement>(null);
  const sortColumn = columns.find((c) => c.key === sort?.key);
  const sorted = sortRows(rows, sortColumn?.sortValue, sort?.direction ?? "ascending").slice(0, limit);
  const signature = [sorted.length, sort?.key, sort?.direction, ...columns.map((c) => c.key)].join("|");
  const fit = useFitColumns(wrapRef, signature, !showAll);
  const shown = columns.filter((c) => !fit.hidden.has(c.key));
  const hidden = columns.filter((c) => fit.hidden.has(c.key));

  if (rows.length === 0) return <>{empty ?? <EmptyState title="Nothing to show" />}</>;

  const toggle = (column: Column<Row>) =>
    setSort((now) => ({
      key: column.key,
      direction: now?.key === column.key && now.direction === "ascending" ? "descending" : "ascending",
    }));
  const alignClass = (c: Column<Row>) => (c.align === "end" ? "num" : undefined);

  return (
    <div className="data-table-block">
      <div
        ref={wrapRef}
        className="data-table-wrap"
        style={{ maxHeight }}
        {...(fit.scrollable ? { tabIndex: 0, role: "region", "aria-label": `${label} (scrolls)` } : {})}
      >
        <table aria-label={label} data-testid={testId} className={["data-table", cards ? "data-table-cards" : "", className ?? ""].join(" ").trim()}>
          <thead>
            <tr>
              {shown.map((c) => (
                <th
                  key={c.key}
                  scope="col"
                  className={alignClass(c)}
                  data-col={c.key}
                  data-priority={c.priority ?? 1}
                  aria-sort={c.sortValue && sort?.key === c.key ? sort.direction : undefined}
                >
                  <Header column={c} sort={sort} onSort={() => toggle(c)} />
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {sorted.map(({ row, index }) => (
              <tr key={rowKey(row, index)} {...rowProps?.(row)}>
                {shown.map((c) => {
                  const { className: own, ...rest } = c.cellProps?.(row) ?? {};
                  const cellClass = [alignClass(c), own].filter(Boolean).join(" ") || undefined;
                  const labelProp = c.hideLabel ? {} : { "data-label": c.label };
                  return c.rowHeader ? (
                    <th key={c.key} scope="row" className={cellClass} {...labelProp} {...rest}>
                      {c.cell(row, index)}
                    </th>
                  ) : (
                    <td key={c.key} className={cellClass} {...labelProp} {...rest}>
                      {c.cell(row, index)}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {hidden.length || showAll ? (
        <p className="data-table-hidden muted">
          {showAll ? "Every column shown: the table scrolls sideways." : `Hidden at this width: ${hidden.map((c) => c.label).join(", ")}.`}{" "}
          <button type="button" className="link-button" onClick={() => setShowAll(!showAll)}>
            {showAll ? "Fit the columns" : "Show all columns"}
          </button>
        </p>
      ) : null}
    </div>
  );
}
