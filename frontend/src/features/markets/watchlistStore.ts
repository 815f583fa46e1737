import { create } from "zustand";
import { persist } from "zustand/middleware";
import type { Interval } from "@/lib/intervals";
import type { PatternGroup } from "./patterns";

interface ChartViewState {
  /** Overlay refs on the chart (`builtin:RSI`, `custom:3`). */
  overlays: string[];
  interval: Interval;
  /** The pattern groups drawn on the chart (none at first: a scan costs the server some work). */
  patterns: PatternGroup[];
  /** A watchlist kept in this browser by an earlier version; moved to the account once, then null. */
  symbols?: string[] | null;
  setOverlays: (overlays: string[]) => void;
  setInterval: (interval: Interval) => void;
  setPatterns: (patterns: PatternGroup[]) => void;
  forgetLocalSymbols: () => void;
}

/** How the Markets chart is viewed in this browser (localStorage); the watched symbols are the account's. */
export const useChartView = create<ChartViewState>()(
  persist(
    (set) => ({
      overlays: [],
      interval: "1h",
      patterns: [],
      setOverlays: (overlays) => set({ overlays }),
      setInterval: (interval) => set({ interval }),
      setPatterns: (patterns) => set({ patterns }),
      forgetLocalSymbols: () => set({ symbols: null }),
    }),
    { name: "cryptomon.markets" },
  ),
);
