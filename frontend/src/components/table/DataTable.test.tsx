import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { DataTable, type Column } from "./DataTable";
import { columnsToHide } from "./fitColumns";

interface Coin {
  symbol: string;
  price: number | null;
  note: string;
}

const coins: Coin[] = [
  { symbol: "ETH-USD", price: 3000, note: "b" },
  { symbol: "BTC-USD", price: 60000, note: "a" },
  { symbol: "SOL-USD", price: null, note: "c" },
  { symbol: "ADA-USD", price: 0.4, note: "d" },
];

const columns: Column<Coin>[] = [
  { key: "rank", label: "#", cell: (_, i) => i + 1 },
  { key: "symbol", label: "Symbol", cell: (c) => c.symbol, sortValue: (c) => c.symbol },
  { key: "price", label: "Price", align: "end", cell: (c) => c.price ?? "–", sortValue: (c) => c.price, priority: 2 },
  { key: "note", label: "Note", cell: (c) => c.note, priority: 3 },
];

const symbols = () =>
  within(screen.getByRole("table"))
    .getAllByRole("row")
    .slice(1)
    .map((row) => within(row).getAllByRole("cell")[1]?.textContent);

describe("DataTable", () => {
  afterEach(() => vi.restoreAllMocks());

  it("sorts by a header, both ways, keeping rows' own numbers and empty values last", async () => {
    const user = userEvent.setup();
    render(<DataTable columns={columns} rows={coins} rowKey={(c) => c.symbol} label="Coins" />);
    expect(symbols()).toEqual(["ETH-USD", "BTC-USD", "SOL-USD", "ADA-USD"]);
    const price = screen.getByRole("columnheader", { name: /Price/ });
    expect(price).not.toHaveAttribute("aria-sort");

    await user.click(within(price).getByRole("button"));
    expect(price).toHaveAttribute("aria-sort", "ascending");
    expect(symbols()).toEqual(["ADA-USD", "ETH-USD", "BTC-USD", "SOL-USD"]);
    expect(within(screen.getAllByRole("row")[1]!).getAllByRole("cell")[0]).toHaveTextContent("4");

    await user.click(within(price).getByRole("button"));
    expect(price).toHaveAttribute("aria-sort", "descending");
    expect(symbols()).toEqual(["BTC-USD", "ETH-USD", "ADA-USD", "SOL-USD"]);

    await user.click(screen.getByRole("button", { name: /Symbol/ }));
    expect(screen.getByRole("columnheader", { name: /Symbol/ })).toHaveAttribute("aria-sort", "ascending");
    expect(price).not.toHaveAttribute("aria-sort");
    expect(symbols()).toEqual(["ADA-USD", "BTC-USD", "ETH-USD", "SOL-USD"]);
  });

  it("has no sort button on a column without a sort value", () => {
    render(<DataTable columns={columns} rows={coins} rowKey={(c) => c.symbol} label="Coins" />);
    expect(within(screen.getByRole("columnheader", { name: "Note" })).queryByRole("button")).toBeNull();
  });

  it("shows its empty state instead of an empty table", () => {
    const { rerender } = render(<DataTable columns={columns} rows={[]} rowKey={(c) => c.symbol} label="Coins" empty={<p>No coins yet</p>} />);
    expect(screen.getByText("No coins yet")).toBeInTheDocument();
    expect(screen.queryByRole("table")).toBeNull();
    rerender(<DataTable columns={columns} rows={[]} rowKey={(c) => c.symbol} label="Coins" />);
    expect(screen.getByRole("status")).toHaveTextContent("Nothing to show");
  });

  it("hides the lowest-priority columns that do not fit, never a key column, and shows them on demand", async () => {
    // jsdom has no layout: every header is 100 px wide, the table 400 px, its wrapper 250 px.
    vi.spyOn(HTMLElement.prototype, "getBoundingClientRect").mockReturnValue({ width: 100 } as DOMRect);
    vi.spyOn(HTMLElement.prototype, "clientWidth", "get").mockReturnValue(250);
    vi.spyOn(HTMLElement.prototype, "scrollWidth", "get").mockReturnValue(400);
    const user = userEvent.setup();
    render(<DataTable columns={columns} rows={coins} rowKey={(c) => c.symbol} label="Coins" />);
    const headers = () => screen.getAllByRole("columnheader").map((th) => th.textContent);
    expect(headers()).toEqual(["#", "Symbol↕"]);
    expect(screen.getByText(/Hidden at this width: Price, Note/)).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Show all columns" }));
    expect(headers()).toEqual(["#", "Symbol↕", "Price↕", "Note"]);
  });

  it("limits the rows shown after sorting", async () => {
    const user = userEvent.setup();
    render(<DataTable columns={columns} rows={coins} rowKey={(c) => c.symbol} label="Coins" limit={2} />);
    expect(symbols()).toEqual(["ETH-USD", "BTC-USD"]);
    await user.click(screen.getByRole("button", { name: /Symbol/ }));
    expect(symbols()).toEqual(["ADA-USD", "BTC-USD"]);
  });
});

describe("columnsToHide", () => {
  const measured = [
    { key: "a", priority: 1, width: 100 },
    { key: "b", priority: 2, width: 100 },
    { key: "c", priority: 3, width: 100 },
    { key: "d", priority: 2, width: 100 },
    { key: "e", priority: 1, width: 100 },
  ];

  it("hides nothing when everything fits", () => {
    expect(columnsToHide(measured, 500)).toEqual(new Set());
  });

  it("hides the highest priority number first, then the rightmost of a level", () => {
    expect(columnsToHide(measured, 400)).toEqual(new Set(["c"]));
    expect(columnsToHide(measured, 300)).toEqual(new Set(["c", "d"]));
  });

  it("never hides a key column, even when the key columns alone do not fit", () => {
    expect(columnsToHide(measured, 50)).toEqual(new Set(["b", "c", "d"]));
  });
});
