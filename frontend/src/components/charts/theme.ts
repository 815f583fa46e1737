import type { DeepPartial, ChartOptions } from "lightweight-charts";

/** Chart colours from the page's CSS variables, so charts follow the light/dark theme. */
export function chartOptions(): DeepPartial<ChartOptions> {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    autoSize: true,
    layout: { background: { color: v("--panel", "#ffffff") }, textColor: v("--muted", "#667085") },
    grid: { vertLines: { color: v("--border", "#e3e6ea") }, horzLines: { color: v("--border", "#e3e6ea") } },
    // A small minimum spacing lets a year of hours fit the width when the chart is fitted to its content.
    timeScale: { timeVisible: true, secondsVisible: false, borderColor: v("--border", "#e3e6ea"), minBarSpacing: 0.05 },
    rightPriceScale: { borderColor: v("--border", "#e3e6ea") },
    localization: { locale: navigator.language },
  };
}

export const PALETTE = ["#2563eb", "#f59e0b", "#8b5cf6", "#ec4899", "#14b8a6", "#84cc16", "#64748b"];
export const UP = "#16a34a";
export const DOWN = "#dc2626";
