import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { ApiError } from "@/api/errors";
import type { Candle } from "@/components/charts/CandleChart";
import { dryRunFormula, evaluateIndicator, fetchHistorical, INTERVAL_SECONDS, keys, type Interval } from "../api";
import { epochSeconds, isoFromEpoch, parseColumn, useDebounced } from "../util";
import type { CheckState, FormulaProblem } from "./FormulaEditor";
import { substituteParameters } from "./formula";

export const PREVIEW_BARS = 300;
export const FORMULA_CHECKS = ["research", "formula-check"] as const;

export interface PreviewInput {
  formula: string;
  parameters: Record<string, number>;
  symbol: string;
  interval: Interval;
  /** A saved indicator whose text is unchanged: plotted with its evaluate route instead of the dry run. */
  savedId: number | null;
}

/** The last PREVIEW_BARS closed bars of the interval, as [from, to) in epoch seconds. */
export function previewRange(interval: Interval, now = Date.now()): { from: number; to: number } {
  const step = INTERVAL_SECONDS[interval];
  const to = Math.floor(now / 1000 / step) * step;
  return { from: to - PREVIEW_BARS * step, to };
}

/** A formula error from a dry run, with its column mapped back to the formula as typed. */
export function problemOf(error: unknown, toOriginal: (column: number) => number): FormulaProblem | null {
  if (!(error instanceof ApiError) || error.field !== "metadata.formula") return null;
  const column = parseColumn(error.message);
  if (column === null) return { message: error.message, column: null };
  const original = toOriginal(column);
  return { message: error.message.replace(/at column \d+/, `at column ${original}`), column: original };
}

/**
 * Candles for the preview, and the formula checked (debounced) and evaluated over them: the parser's error
 * with its column, or the series for the lower pane.
 */
export function useFormulaPreview(input: PreviewInput) {
  const { symbol, interval, savedId } = input;
  const range = useMemo(() => previewRange(interval), [interval]);
  const step = INTERVAL_SECONDS[interval];

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
  const [formula, substituted] = useMemo(() => {
    const [text, parameters] = JSON.parse(settled) as [string, Record<string, number>];
    return [text, substituteParameters(text, parameters)] as const;
  }, [settled]);
  const blank = formula.trim() === "";
  const from = isoFromEpoch(range.from);
  const to = isoFromEpoch(range.to);

  const check = useQuery({
    queryKey: [...FORMULA_CHECKS, symbol, interval, range.from, range.to, substituted.text],
    queryFn: () => dryRunFormula({ symbol, interval, formula: substituted.text, from, to }),
    enabled: !blank && savedId === null,
    retry: false,
    staleTime: 5 * 60_000,
    placeholderData: keepPreviousData,
  });

  const evaluated = useQuery({
    // The text is part of the key: an update keeps the id but changes the series.
    queryKey: ["research", "indicator-evaluate", savedId, settled, symbol, interval, range.from, range.to],
    queryFn: () => evaluateIndicator(savedId!, { symbol, interval, from, to }),
    enabled: savedId !== null && !pending,
    retry: false,
    staleTime: 5 * 60_000,
  });

  const series = useMemo(() => {
    const values = new Map<number, number>();
    if (savedId !== null) {
      for (const p of evaluated.data?.data ?? []) if (p.value !== null) values.set(epochSeconds(p.timestamp), p.value);
    } else if (check.data) {
      // Each trigger is stamped with its bar's close: the bar opened one interval earlier.
      for (const t of check.data.triggers) values.set(epochSeconds(t.timestamp) - step, t.value);
    }
    return candles.map((c) => ({ time: c.time, value: values.get(c.time) ?? null }));
  }, [savedId, evaluated.data, check.data, candles, step]);

  const active = savedId !== null ? evaluated : check;
  const problem = savedId === null && !pending ? problemOf(check.error, substituted.toOriginal) : null;
  const otherError = !problem && active.error ? active.error : null;
  let state: CheckState = "idle";
  if (blank) state = "idle";
  else if (pending || active.isFetching) state = "checking";
  else if (problem || otherError) state = "error";
  else if (active.isSuccess) state = "ok";

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
