import type { Asset } from "@/api/symbols";
import { EmptyState } from "@/components/ui";
import { useLive } from "@/realtime/socket";
import { PriceTile } from "./PriceTile";

/** The grid of live tiles. */
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
          onRemove={onRemove}
        />
      ))}
    </div>
  );
}
