import { useSearchParams } from "react-router-dom";
import { usePricedSymbols } from "@/api/prices";
import { useSymbols } from "@/api/symbols";
import { Page, Skeleton } from "@/components/ui";
import { isInterval, type Interval } from "@/lib/intervals";
import { useLive } from "@/realtime/socket";
import { AddSymbol } from "@/components/AddSymbol";
import { ChartPanel } from "./ChartPanel";
import { useWatchSymbols } from "./useWatchSymbols";
import { DEFAULT_COUNT, useWatchlist } from "./watchlistStore";
import { Watchlist } from "./Watchlist";
import "./markets.css";

/** Live tiles of the watched symbols and the selected one's chart. */
export default function MarketsPage() {
  const assets = useSymbols();
  const { symbols: stored, overlays, interval: savedInterval, setSymbols, setOverlays, setInterval } = useWatchlist();
  const status = useLive((s) => s.status);
  const [params, setParams] = useSearchParams();

  const priced = usePricedSymbols((assets.data ?? []).map((a) => a.symbol)).data;
  // By default the symbols that have a price first (all of them in the default deployment), then the others to
  // fill the grid: a deployment with few prices still shows a full watchlist.
  const all = assets.data ?? [];
  const offered = priced?.size ? [...all.filter((a) => priced.has(a.symbol)), ...all.filter((a) => !priced.has(a.symbol))] : all;
  const watched = stored ?? offered.slice(0, DEFAULT_COUNT).map((a) => a.symbol);
  const selected = params.get("symbol") ?? watched[0] ?? null;
  const urlInterval = params.get("interval");
  const interval: Interval = isInterval(urlInterval) ? urlInterval : savedInterval;
  useWatchSymbols(selected ? [...watched, selected] : watched);

  const select = (symbol: string, next: Interval = interval) =>
    setParams({ symbol, interval: next }, { replace: true });

  return (
    <Page
      title="Markets"
      actions={
        assets.data ? (
          <AddSymbol assets={assets.data} watched={watched} priced={priced} onAdd={(symbol) => setSymbols([...watched, symbol])} />
        ) : null
      }
    >
      {status !== "open" ? (
        <p className="muted" role="status">
          {status === "idle" ? "Live prices are offline." : "Connecting to live prices…"}
        </p>
      ) : null}
      {assets.isPending && !stored ? (
        <Skeleton lines={3} height={60} />
      ) : (
        <Watchlist
          symbols={watched}
          assets={assets.data ?? []}
          selected={selected}
          onSelect={(symbol) => select(symbol)}
          onRemove={(symbol) => setSymbols(watched.filter((s) => s !== symbol))}
        />
      )}
      {assets.isError ? <p className="form-error">Could not load the symbols: {assets.error.message}</p> : null}
      {selected ? (
        <ChartPanel
          symbol={selected}
          interval={interval}
          overlays={overlays}
          onInterval={(next) => {
            setInterval(next);
            select(selected, next);
          }}
          onOverlays={setOverlays}
        />
      ) : null}
    </Page>
  );
}
