import { memo, useCallback } from "react";
import { formatCompact, formatPercent, formatPrice } from "@/lib/format";
import type { Quote } from "@/realtime/socket";
import { useFlash } from "./useFlash";

/** What a price's source label says on a tile: made-up prices say so. */
export function sourceLabel(source: string | undefined): string | null {
  if (!source) return null;
  if (source === "simulator") return "simulated";
  if (source === "replay") return "replay of real data";
  if (source === "peg") return "at peg";
  return source;
}

/** One watched symbol: live price, 24h change and volume; flashes green/red as the price moves. */
export const PriceTile = memo(function PriceTile({
  symbol,
  name,
  quote,
  selected,
  onSelect,
  onRemove,
  registerTile,
}: {
  symbol: string;
  name?: string | undefined;
  quote: Quote | undefined;
  selected: boolean;
  onSelect: (symbol: string) => void;
  onRemove?: ((symbol: string) => void) | undefined;
  /** Told this tile's select button (to move focus to it). */
  registerTile?: ((symbol: string, button: HTMLButtonElement | null) => void) | undefined;
}) {
  const selectRef = useCallback((button: HTMLButtonElement | null) => registerTile?.(symbol, button), [registerTile, symbol]);
  const flash = useFlash(quote?.price);
  const change = quote?.change24h ?? null;
  const trend = change === null || change === 0 ? "" : change > 0 ? "up" : "down";
  return (
    <div
      className={["card", "tile", "market-tile", selected ? "selected" : "", flash ? `flash-${flash}` : ""].join(" ").trim()}
      data-testid={`tile-${symbol}`}
    >
      <button type="button" className="tile-select" aria-pressed={selected} onClick={() => onSelect(symbol)} ref={selectRef}>
        <span className="tile-head">
          <strong>{symbol}</strong>
          {name ? <span className="muted tile-name">{name}</span> : null}
        </span>
        <span className="price" data-testid="tile-price">
          {quote ? formatPrice(quote.price) : "–"}
        </span>
        {sourceLabel(quote?.source) ? (
          <span className="muted tile-source" data-testid="tile-source">
            {sourceLabel(quote?.source)}
          </span>
        ) : null}
        <span className="tile-foot">
          <span className={trend} data-testid="tile-change">
            {change === null ? "–" : `${change > 0 ? "▲" : change < 0 ? "▼" : ""} ${formatPercent(change)}`.trim()}
          </span>
          <span className="muted">Vol 24h {formatCompact(quote?.volume24h)}</span>
        </span>
        {quote ? null : <span className="muted tile-wait">waiting for a price…</span>}
      </button>
      {onRemove ? (
        <button type="button" className="icon tile-remove" aria-label={`Remove ${symbol} from the watchlist`} onClick={() => onRemove(symbol)}>
          ×
        </button>
      ) : null}
    </div>
  );
});
