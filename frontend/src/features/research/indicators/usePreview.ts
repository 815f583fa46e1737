import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { ApiError } from "@/api/errors";
import type { Candle } from "@/components/charts/CandleChart";
import { INTERVAL_SECONDS, type Interval } from "@/lib/intervals";
import { evaluateFormula, fetchHistorical, keys } from "../api";
import { fieldError } from "@/api/errors";
import { epochSeconds, isoFromEpoch } from "@/lib/dates";
import { parseColumn, useDebounced } from "../util";
import type { CheckState, FormulaProblem } from "./FormulaEditor";

export const PREVIEW_BARS = 300;
export const FORMULA_CHECKS = ["research", "formula-check"] as const;

export interface PreviewInput {
  formula: string;
  parameters: Record<string, number>;
  symbol: string;
  interval: Interval;
}

/** The last PREVIEW_BARS closed bars of the interval, as [from, to) in epoch seconds. */
export function previewRange(interval: Interval, now = Date.now()): { from: number; to: number } {
  const step = INTERVAL_SECONDS[interval];
  const to = Math.floor(now / 1000 / step) * step;
  return { from: to - PREVIEW_BARS * step, to };
}

/** A parser error from the evaluate route: its column is already one of the formula as typed. */
export function problemOf(error: unknown): FormulaProblem | null {
  if (!(error instanceof ApiError) || error.field !== "formula") return null;
  const message = fieldError(error, "formula") ?? error.message;
  return { message, column: parseColumn(message) };
}

/**
 * Candles for the preview, and the formula checked (debounced) and evaluated with its parameters over the same
 * range: the parser's error with its column, or the series for the lower pane.
 */
export function useFormulaPreview(input: PreviewInput) {
  const { symbol, interval } = input;
  const range = useMemo(() => previewRange(interval), [interval]);

  const candlesQuery = useQuery({
    queryKey: keys.previewCandles(symbol, interval, range.from, range.to),
    queryFn: () =>
      fetchHistorical({ symbol, interval, from: isoFromEpoch(range.from), to: isoFromEpoch(range.to), limit: PREVIEW_BARS }),
    staleTime: 60_000,
  });
  const candles = useMemo<Candle[]>(
    () =>
      (candlesQuery.data?.data ?? []).map((c) => ({
        time: epochSeconds(c.timestamp),
        open: c.open,
        high: c.high,
        low: c.low,
        close: c.close,
        volume: c.volume,
      })),
    [candlesQuery.data],
  );

  const typed = useMemo(() => JSON.stringify([input.formula, input.parameters]), [input.formula, input.parameters]);
  const settled = useDebounced(typed, 400);
  const pending = settled !== typed;
  const [formula, parameters] = useMemo(() => JSON.parse(settled) as [string, Record<string, number>], [settled]);
  const blank = formula.trim() === "";

  const check = useQuery({
    // Saving or deleting an indicator invalidates these: formulas may name custom indicators.
    queryKey: [...FORMULA_CHECKS, symbol, interval, range.from, range.to, settled],
    queryFn: () =>
      evaluateFormula({
        formula,
        parameters,
        symbol,
        interval,
        from: isoFromEpoch(range.from),
        to: isoFromEpoch(range.to),
      }),
    enabled: !blank,
    retry: false,
    staleTime: 5 * 60_000,
    placeholderData: keepPreviousData,
  });

  // Every returned point at its bar's open time; nulls (warm-up, undefined values) are gaps in the line.
  // (A blank formula is not evaluated, but the previous formula's data may still be kept as a placeholder.)
  const points = blank ? undefined : check.data?.data;
  const series = useMemo(
    () => (points ?? []).map((p) => ({ time: epochSeconds(p.timestamp), value: p.value })),
    [points],
  );

  const problem = pending ? null : problemOf(check.error);
  const otherError = !problem && check.error ? check.error : null;
  let state: CheckState = "idle";
  if (blank) state = "idle";
  else if (pending || check.isFetching) state = "checking";
  else if (problem || otherError) state = "error";
  else if (check.isSuccess) state = "ok";

  return {
    candles,
    candlesQuery,
    series,
    plotted: series.some((p) => p.value !== null),
    state,
    problem,
    otherError,
    blank,
  };
}
