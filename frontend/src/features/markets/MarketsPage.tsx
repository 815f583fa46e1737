import { useEffect } from "react";
import { useSearchParams } from "react-router-dom";
import { usePricedSymbols } from "@/api/prices";
import { useSymbols } from "@/api/symbols";
import { Page, Skeleton } from "@/components/ui";
import { isInterval, type Interval } from "@/lib/intervals";
import { useLive } from "@/realtime/socket";
import { AddSymbol } from "@/components/AddSymbol";
import { ChartPanel } from "./ChartPanel";
import { useWatchSymbols } from "./useWatchSymbols";
import { useAccountWatchlist } from "./useAccountWatchlist";
import { useChartView } from "./watchlistStore";
import { Watchlist } from "./Watchlist";
import "./markets.css";

/** Live tiles of the watched symbols and the selected one's chart. */
export default function MarketsPage() {
  const assets = useSymbols();
  const { symbols: local, overlays, patterns, interval: savedInterval, setOverlays, setPatterns, setInterval, forgetLocalSymbols } =
    useChartView();
  const { saved, error: watchlistError, save } = useAccountWatchlist();
  const status = useLive((s) => s.status);
  const [params, setParams] = useSearchParams();

  const priced = usePricedSymbols((assets.data ?? []).map((a) => a.symbol)).data;
  const watched = saved ?? [];
  useAdoptLocalWatchlist(local, saved, save, forgetLocalSymbols);
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
          <AddSymbol assets={assets.data} watched={watched} priced={priced} onAdd={(symbol) => save([...watched, symbol])} />
        ) : null
      }
    >
      {status !== "open" ? (
        <p className="muted" role="status">
          {status === "idle" ? "Live prices are offline." : "Connecting to live prices…"}
        </p>
      ) : null}
      {watchlistError ? (
        <p className="form-error">Could not load your watchlist: {watchlistError.message}</p>
      ) : saved === undefined ? (
        <Skeleton lines={3} height={60} />
      ) : (
        <Watchlist
          symbols={watched}
          assets={assets.data ?? []}
          selected={selected}
          onSelect={(symbol) => select(symbol)}
          onRemove={(symbol) => save(watched.filter((s) => s !== symbol))}
        />
      )}
      {assets.isError ? <p className="form-error">Could not load the symbols: {assets.error.message}</p> : null}
      {selected ? (
        <ChartPanel
          symbol={selected}
          interval={interval}
          overlays={overlays}
          patterns={patterns}
          onInterval={(next) => {
            setInterval(next);
            select(selected, next);
          }}
          onOverlays={setOverlays}
          onPatterns={setPatterns}
        />
      ) : null}
    </Page>
  );
}

/** A watchlist an earlier version kept in this browser becomes the account's, unless the account has its own. */
function useAdoptLocalWatchlist(
  local: string[] | null | undefined,
  saved: string[] | undefined,
  save: (symbols: string[]) => void,
  forget: () => void,
) {
  useEffect(() => {
    if (!local || saved === undefined) return;
    if (!saved.length && local.length) save(local);
    forget();
  }, [local, saved, save, forget]);
}
