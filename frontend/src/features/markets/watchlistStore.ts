import { create } from "zustand";
import { persist } from "zustand/middleware";
import type { Interval } from "@/lib/intervals";

interface WatchlistState {
  /** The watched symbols; null until the user changes them (then the registry's first few are shown). */
  symbols: string[] | null;
  /** Overlay refs on the chart (`builtin:RSI`, `custom:3`). */
  overlays: string[];
  interval: Interval;
  setSymbols: (symbols: string[]) => void;
  setOverlays: (overlays: string[]) => void;
  setInterval: (interval: Interval) => void;
}

/** What the Markets page remembers in this browser (localStorage). */
export const useWatchlist = create<WatchlistState>()(
  persist(
    (set) => ({
      symbols: null,
      overlays: [],
      interval: "1h",
      setSymbols: (symbols) => set({ symbols }),
      setOverlays: (overlays) => set({ overlays }),
      setInterval: (interval) => set({ interval }),
    }),
    { name: "cryptomon.markets" },
  ),
);

export const DEFAULT_COUNT = 8;
