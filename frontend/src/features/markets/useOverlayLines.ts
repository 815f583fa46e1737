import { useQueries } from "@tanstack/react-query";
import { useMemo } from "react";
import { api, unwrap } from "@/api/client";
import type { CatalogIndicator, CustomIndicator } from "@/api/indicators";
import type { components } from "@/api/schema";
import type { Line } from "@/components/charts/CandleChart";
import type { Interval } from "@/lib/intervals";
import { useStableArray } from "@/lib/useStableArray";
import { useAuth } from "@/stores/auth";
import { builtinFormula, builtinLabel, builtinOutputs, builtinPane, paneByMagnitude, parseOverlay } from "./overlays";
import { toEpoch, type CandlePage } from "./useCandles";

type Evaluated = components["schemas"]["EvaluateOut"];

export interface OverlayState {
  ref: string;
  label: string;
  loading: boolean;
  error: string | null;
}

interface Range {
  symbol: string;
  interval: Interval;
  from: string;
  to: string;
}

const points = (result: Evaluated): Line["points"] =>
  result.data.map((p) => ({ time: toEpoch(p.timestamp), value: p.value }));

async function evaluate(id: number, range: Range): Promise<Line["points"]> {
  const result = await unwrap(
    api.POST("/api/indicators/custom/{indicatorId}/evaluate", {
      params: { path: { indicatorId: id } },
      body: { symbol: range.symbol, interval: range.interval, from: range.from, to: range.to },
    }),
  );
  return points(result);
}

/** A built-in (its formula, e.g. `BBANDS.upper`) evaluated without saving anything. */
async function evaluateFormula(formula: string, range: Range): Promise<Line["points"]> {
  const result = await unwrap(
    api.POST("/api/indicators/evaluate", {
      body: { formula, symbol: range.symbol, interval: range.interval, from: range.from, to: range.to },
    }),
  );
  return points(result);
}

/** The lines of the chosen overlays over the page's bars: built-ins as inline formulas, custom ones by id. */
export function useOverlayLines(
  refs: string[],
  page: CandlePage | undefined,
  symbol: string,
  interval: Interval,
  catalog: CatalogIndicator[] | undefined,
  customs: CustomIndicator[] | undefined,
): { lines: Line[]; states: OverlayState[] } {
  const userId = useAuth((s) => s.user?.id);
  const range: Range | null = page?.from ? { symbol, interval, from: page.from, to: page.to } : null;
  const closes = page?.candles.map((c) => c.close) ?? [];

  const described = refs.map((ref) => {
    const parsed = parseOverlay(ref);
    if (parsed?.kind === "builtin") {
      const indicator = catalog?.find((i) => i.name === parsed.name);
      return { ref, label: indicator?.name ?? parsed.name, builtin: indicator, custom: undefined, known: catalog !== undefined };
    }
    const custom = parsed ? customs?.find((c) => c.indicatorId === parsed.id) : undefined;
    return { ref, label: custom?.name ?? "Custom indicator", builtin: undefined, custom, known: customs !== undefined };
  });

  const results = useQueries({
    queries: described.map((d) => ({
      queryKey: ["overlay", d.ref, range?.symbol, range?.interval, range?.from, range?.to],
      enabled: Boolean(range && userId !== undefined && (d.builtin || d.custom)),
      staleTime: 60_000,
      retry: false,
      queryFn: async (): Promise<Line[]> => {
        if (!range || userId === undefined) return [];
        if (d.builtin) {
          const indicator = d.builtin;
          return Promise.all(
            builtinOutputs(indicator).map(async (output) => ({
              name: builtinLabel(indicator, output),
              pane: builtinPane(indicator),
              points: await evaluateFormula(builtinFormula(indicator, output), range),
            })),
          );
        }
        if (!d.custom) return [];
        const values = await evaluate(d.custom.indicatorId, range);
        return [{ name: d.custom.name, points: values, pane: paneByMagnitude(values.map((p) => p.value), closes) }];
      },
    })),
  });

  // Rebuilt only when a query got new data (or the overlays changed), so the chart is not redrawn on every render.
  const data = useStableArray(results.map((r) => r.data));
  const lines = useMemo(() => data.flatMap((d) => d ?? []), [data]);
  const states = described.map((d, i) => {
    const r = results[i];
    const missing = d.known && !d.builtin && !d.custom ? "this indicator no longer exists" : null;
    return {
      ref: d.ref,
      label: d.label,
      loading: Boolean(r?.isFetching),
      error: missing ?? (r?.error ? r.error.message : null),
    };
  });
  return { lines, states };
}
