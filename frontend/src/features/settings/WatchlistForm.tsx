import { useState, type FormEvent } from "react";
import { useSymbols, type Asset } from "@/api/symbols";
import { AddSymbol } from "@/components/AddSymbol";
import { DataTable, type Column } from "@/components/table/DataTable";
import { EmptyState, Skeleton } from "@/components/ui";
import { MAX_WATCHLIST } from "./preferences";
import { SaveRow } from "./SaveRow";
import { useSavePreferences } from "./useSavePreferences";

const API_FIELDS = { watchlist: ["preferences.watchlist"] } as const;

interface Row {
  symbol: string;
  asset: Asset | undefined;
}

/** preferences.watchlist: symbols from the registry, in the order the user keeps them. */
export function WatchlistForm({ saved }: { saved: string[] }) {
  const assets = useSymbols();
  const [list, setList] = useState(saved);
  const { save, errors, pending } = useSavePreferences(API_FIELDS, { saved: "Watchlist saved", failed: "Could not save your watchlist" });
  const error = errors.of("watchlist");
  const dirty = list.join(",") !== saved.join(",");

  function edit(next: string[]) {
    setList(next);
    errors.edited("watchlist");
  }
  function move(index: number, by: -1 | 1) {
    const next = [...list];
    const [symbol] = next.splice(index, 1);
    if (symbol) next.splice(index + by, 0, symbol);
    edit(next);
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const tooMany = list.length > MAX_WATCHLIST ? `At most ${MAX_WATCHLIST} symbols; the list has ${list.length}` : undefined;
    if (!errors.check({ watchlist: tooMany }) || !dirty) return;
    save({ watchlist: list });
  }

  const columns: Column<Row>[] = [
    { key: "position", label: "#", cell: (_, i) => i + 1, cellProps: () => ({ className: "muted" }) },
    { key: "symbol", label: "Symbol", rowHeader: true, cell: (r) => <strong>{r.symbol}</strong> },
    {
      key: "name",
      label: "Name",
      priority: 2,
      cell: (r) => r.asset?.name ?? <span className="muted">{assets.data ? "not in the registry" : "…"}</span>,
    },
    {
      key: "actions",
      label: "Actions",
      hideLabel: true,
      cell: (r, i) => (
        <div className="watch-actions">
          <button type="button" className="icon" disabled={i === 0} onClick={() => move(i, -1)} aria-label={`Move ${r.symbol} up`}>
            ↑
          </button>
          <button type="button" className="icon" disabled={i === list.length - 1} onClick={() => move(i, 1)} aria-label={`Move ${r.symbol} down`}>
            ↓
          </button>
          <button type="button" className="danger" onClick={() => edit(list.filter((s) => s !== r.symbol))} aria-label={`Remove ${r.symbol}`}>
            Remove
          </button>
        </div>
      ),
    },
  ];
  const rows = list.map((symbol) => ({ symbol, asset: assets.data?.find((a) => a.symbol === symbol) }));

  return (
    <div className="stack">
      {assets.data ? (
        <AddSymbol assets={assets.data} watched={list} onAdd={(symbol) => edit([...list, symbol])} />
      ) : assets.isError ? (
        <p className="form-error">Could not load the symbols: {assets.error.message}</p>
      ) : (
        <Skeleton lines={1} height={32} />
      )}
      <DataTable
        columns={columns}
        rows={rows}
        rowKey={(r) => r.symbol}
        label="Watchlist"
        testId="watchlist-table"
        className="watchlist-table"
        rowProps={(r) => ({ "data-testid": `watch-${r.symbol}` })}
        empty={
          <EmptyState title="Your watchlist is empty">
            Pick a symbol above and Add it; the list keeps the order you give it.
          </EmptyState>
        }
      />
      {error ? (
        <span className="field-error" role="alert">
          {error}
        </span>
      ) : null}
      {/* Its own form: the picker above is one too, and forms do not nest. */}
      <form onSubmit={submit} noValidate aria-label="Save the watchlist">
        <SaveRow
          label="Save watchlist"
          pending={pending}
          dirty={dirty}
          saved={saved.length ? `Saved: ${saved.join(", ")}` : "Nothing saved yet"}
        />
      </form>
    </div>
  );
}
