/** A portfolio revalued at the live prices (PRICE_UPDATE) as they arrive, in the API's own terms. */
import { useEffect, useMemo } from "react";
import { useLive, watchSymbols, type Quote } from "@/realtime/socket";
import type { Portfolio, Position } from "./types";

export interface LivePosition extends Position {
  /** Whether the price is a live quote newer than the one the API valued the position at. */
  live: boolean;
}

export interface LiveValuation {
  positions: LivePosition[];
  totalValue: number;
  /** unrealised (average cost) + realised (FIFO) + income - fees: the API's total moved by the price changes. */
  totalPnL: number;
  unrealisedPnl: number;
  /** What was put in, net (value - P&L): the base of the P&L percent. */
  netInvested: number;
  /** Share of the total value per priced symbol. */
  weights: Record<string, number>;
  /** The change of the holdings' value over the quotes' 24 h, when every non-cash holding has a quote saying it. */
  dayChange: number | null;
  live: boolean;
}

/** The quote to use for a position: a live one at least as new as the API's price (USD never moves). */
function freshQuote(position: Position, quote: Quote | undefined): Quote | undefined {
  if (!quote || position.symbol === "USD") return undefined;
  const asOf = position.price?.asOf;
  return !asOf || Date.parse(quote.timestamp) >= Date.parse(asOf) ? quote : undefined;
}

export function revalue(portfolio: Portfolio, quotes: Record<string, Quote>): LiveValuation {
  let dayChange: number | null = 0;
  const positions = portfolio.positions.map((p): LivePosition => {
    const quote = freshQuote(p, quotes[p.symbol]);
    if (dayChange !== null && p.symbol !== "USD" && p.currentValue !== null) {
      const change = quote?.change24h;
      if (change === null || change === undefined || change <= -1) dayChange = null;
      else dayChange += (p.quantity * quote!.price * change) / (1 + change);
    }
    if (!quote) return { ...p, live: false };
    const price = quote.price;
    return {
      ...p,
      live: true,
      currentPrice: price,
      currentValue: p.quantity * price,
      pnl: (price - p.entryPrice) * p.quantity,
      pnlPercent: p.entryPrice > 0 ? Math.round((price / p.entryPrice - 1) * 10000) / 100 : null,
      price: { source: quote.source ?? "live", asOf: quote.timestamp },
    };
  });
  const totalValue = positions.reduce((sum, p) => sum + (p.currentValue ?? 0), 0);
  const unrealisedPnl = positions.reduce((sum, p) => sum + (p.pnl ?? 0), 0);
  const totalPnL = portfolio.totalPnL + (totalValue - portfolio.currentValue);
  const weights = Object.fromEntries(
    positions.filter((p) => p.currentValue !== null).map((p) => [p.symbol, totalValue > 0 ? p.currentValue! / totalValue : 0]),
  );
  return {
    positions,
    totalValue,
    totalPnL,
    unrealisedPnl,
    netInvested: totalValue - totalPnL,
    weights,
    dayChange: positions.some((p) => p.symbol !== "USD" && p.currentValue !== null) ? dayChange : null,
    live: positions.some((p) => p.live),
  };
}

/** The symbols whose live prices move a portfolio: its holdings and its targets (not USD: it is 1). */
export function watchedSymbols(portfolios: readonly Portfolio[]): string[] {
  const symbols = new Set<string>();
  for (const p of portfolios) {
    p.positions.forEach((position) => symbols.add(position.symbol));
    Object.keys(p.targetAllocations).forEach((symbol) => symbols.add(symbol));
  }
  symbols.delete("USD");
  return [...symbols].sort();
}

/** PRICE_UPDATEs for these symbols while the caller is mounted. */
export function useWatch(symbols: readonly string[]): void {
  const key = symbols.join(",");
  useEffect(() => (key ? watchSymbols(key.split(",")) : undefined), [key]);
}

/** The portfolio at the live prices, recomputed as quotes arrive. */
export function useLiveValuation(portfolio: Portfolio): LiveValuation {
  const symbols = useMemo(() => watchedSymbols([portfolio]), [portfolio]);
  useWatch(symbols);
  const quotes = useLive((s) => s.quotes);
  return useMemo(() => revalue(portfolio, quotes), [portfolio, quotes]);
}

/** The allocation against the targets: every target symbol and every held one, with its deviation. */
export interface AllocationRow {
  symbol: string;
  weight: number | null;
  target: number;
  deviation: number | null;
  outside: boolean;
}

export function allocationRows(weights: Record<string, number>, targets: Record<string, number>, band: number, priced: boolean): AllocationRow[] {
  const symbols = [...new Set([...Object.keys(targets), ...Object.keys(weights)])].sort((a, b) => (targets[b] ?? 0) - (targets[a] ?? 0) || a.localeCompare(b));
  const hasTargets = Object.keys(targets).length > 0;
  return symbols.map((symbol) => {
    const weight = priced ? (weights[symbol] ?? 0) : null;
    const target = targets[symbol] ?? 0;
    const deviation = weight === null ? null : weight - target;
    return { symbol, weight, target, deviation, outside: hasTargets && deviation !== null && Math.abs(deviation) > band + 1e-12 };
  });
}
