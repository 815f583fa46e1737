import { useCallback, useEffect, useRef, useState } from "react";
import type { Asset } from "@/api/symbols";
import { ADD_CONTROL } from "@/components/AddSymbol";
import { EmptyState } from "@/components/ui";
import { useLive } from "@/realtime/socket";
import { PriceTile } from "./PriceTile";

/** The grid of live tiles. Removing one moves focus to the next tile (the previous one after the last, the
 * add control once the list is empty), never dropping it on the page. */
export function Watchlist({
  symbols,
  assets,
  selected,
  onSelect,
  onRemove,
}: {
  symbols: string[];
  assets: Asset[];
  selected: string | null;
  onSelect: (symbol: string) => void;
  onRemove: (symbol: string) => void;
}) {
  const quotes = useLive((s) => s.quotes);
  const tiles = useRef(new Map<string, HTMLButtonElement>());
  const [focusNext, setFocusNext] = useState<string | null | undefined>(undefined); // null: the add control

  useEffect(() => {
    if (focusNext === undefined) return;
    const target = focusNext ? tiles.current.get(focusNext) : document.getElementById(ADD_CONTROL);
    if (target) {
      target.focus();
      setFocusNext(undefined);
    }
  }, [focusNext, symbols]);

  const remove = useCallback(
    (symbol: string) => {
      const at = symbols.indexOf(symbol);
      setFocusNext(symbols[at + 1] ?? symbols[at - 1] ?? null);
      onRemove(symbol);
    },
    [symbols, onRemove],
  );
  // Stable across renders, so a price update re-renders only the tile it moved.
  const registerTile = useCallback((symbol: string, button: HTMLButtonElement | null) => {
    if (button) tiles.current.set(symbol, button);
    else tiles.current.delete(symbol);
  }, []);

  if (!symbols.length) {
    return <EmptyState title="Your watchlist is empty">Add a symbol above to follow its price.</EmptyState>;
  }
  return (
    <div className="grid market-grid" aria-label="Watchlist">
      {symbols.map((symbol) => (
        <PriceTile
          key={symbol}
          symbol={symbol}
          name={assets.find((a) => a.symbol === symbol)?.name}
          quote={quotes[symbol]}
          selected={symbol === selected}
          onSelect={onSelect}
          onRemove={remove}
          registerTile={registerTile}
        />
      ))}
    </div>
  );
}
