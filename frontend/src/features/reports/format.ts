/** How the Reports screen words sizes, progress and what a report covers. */
import type { BacktestChoice, PortfolioChoice, Report } from "./api";

/**
 * >>> fileSize(48_213)
 * "47.1 KB"
 */
export function fileSize(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return "–";
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** "42% done · takes about 15 s" (a minute and more in minutes). */
export function progressText(progress: number, estimatedSeconds: number): string {
  const percent = Math.round(Math.min(1, Math.max(0, progress)) * 100);
  const about = estimatedSeconds >= 90 ? `${Math.round(estimatedSeconds / 60)} min` : `${Math.max(1, Math.round(estimatedSeconds))} s`;
  return `${percent}% done · takes about ${about}`;
}

/** What a report (or schedule) is about: its symbols, or its portfolio or run by name when known. */
export function subjectText(
  report: Pick<Report, "symbols" | "portfolioId"> & { backtestId?: string | null },
  portfolios: readonly PortfolioChoice[] = [],
  runs: readonly BacktestChoice[] = [],
): string {
  if (report.portfolioId !== null && report.portfolioId !== undefined) {
    const name = portfolios.find((p) => p.portfolioId === report.portfolioId)?.name;
    return name ? `Portfolio ${name}` : `Portfolio #${report.portfolioId}`;
  }
  if (report.backtestId) {
    const run = runs.find((r) => r.backtestId === report.backtestId);
    return run ? `Backtest ${run.strategyName} · ${run.symbol}` : `Backtest ${report.backtestId}`;
  }
  return report.symbols.join(", ") || "–";
}
