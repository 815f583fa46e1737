// In src/lib/backtestMetrics.ts: the community shows shared backtests with the same labels and formats.
export * from "@/lib/backtestMetrics";
