import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState, type FormEvent } from "react";
import { ApiError } from "@/api/errors";
import { fetchCustomIndicators, type CustomIndicator } from "@/api/indicators";
import { CandleChart, type Line } from "@/components/charts/CandleChart";
import { QueryView } from "@/components/QueryView";
import { Card, EmptyState, Field, Skeleton } from "@/components/ui";
import type { Interval } from "@/lib/intervals";
import { useAuth } from "@/stores/auth";
import { useFormErrors } from "@/lib/useFormErrors";
import { toastError, useUi } from "@/stores/ui";
import { createIndicator, deleteIndicator, keys, updateIndicator } from "../api";
import { ErrorNotice, IntervalField, SymbolField } from "../common";
import { parseColumn, useDebounced } from "../util";
import { FormulaEditor, type FormulaProblem } from "./FormulaEditor";
import { IndicatorList } from "./IndicatorList";
import { newParamRow, ParametersEditor, parametersOf, rowProblem, type ParamRow } from "./ParametersEditor";
import { FORMULA_CHECKS, PREVIEW_BARS, useFormulaPreview } from "./usePreview";

interface Draft {
  name: string;
  formula: string;
  description: string;
  params: ParamRow[];
}

const EMPTY: Draft = { name: "", formula: "", description: "", params: [] };

function draftOf(indicator: CustomIndicator): Draft {
  return {
    name: indicator.name,
    formula: indicator.formula,
    description: indicator.description ?? "",
    params: Object.entries(indicator.parameters).map(([k, v]) => newParamRow(k, String(v))),
  };
}

/** How formulas will name it (the API's rule): "Fast Slow RSI" -> FAST_SLOW_RSI. */
export function keyOf(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]+/g, "_").replace(/^_+|_+$/g, "");
}

/** Custom indicators: a formula editor checked as you type, a live preview under the price, save, edit, delete. */
export default function IndicatorBuilder() {
  const queryClient = useQueryClient();
  const userId = useAuth((s) => s.user?.id);
  const toast = useUi((s) => s.toast);
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [editing, setEditing] = useState<CustomIndicator | null>(null);
  const [saveError, setSaveError] = useState<unknown>(null);
  const errors = useFormErrors<string>(["name", "formula", "description", "parameters"], saveError);
  const [symbol, setSymbol] = useState("BTC-USD");
  const [interval, setPreviewInterval] = useState<Interval>("1h");

  const parameters = useMemo(() => parametersOf(draft.params), [draft.params]);
  // Saved or not, the formula is evaluated as it stands, with its parameters.
  const preview = useFormulaPreview({ formula: draft.formula, parameters, symbol, interval });

  const list = useQuery({ queryKey: keys.indicators, queryFn: fetchCustomIndicators });

  const change = (patch: Partial<Draft>) => {
    setDraft((d) => ({ ...d, ...patch }));
    setSaveError(null);
    errors.check({});
  };

  const save = useMutation({
    mutationFn: () => {
      const body = {
        name: draft.name.trim(),
        formula: draft.formula,
        description: draft.description.trim() || null,
        parameters,
      };
      if (editing) return updateIndicator(editing.indicatorId, body);
      if (userId === undefined) throw new Error("Sign in again to save indicators");
      return createIndicator({ ...body, userId });
    },
    onSuccess: (saved) => {
      toast({ kind: "success", title: editing ? `Updated ${saved.name}` : `Saved ${saved.name}`, body: `Use it in formulas as ${saved.key}` });
      setEditing(saved);
      setDraft(draftOf(saved));
      void queryClient.invalidateQueries({ queryKey: keys.indicators });
      // Formulas may name custom indicators: checks made before this one existed (or changed) are stale.
      void queryClient.invalidateQueries({ queryKey: FORMULA_CHECKS });
    },
    onError: (error) => {
      setSaveError(error);
      if (!(error instanceof ApiError) || !error.field) toastError(error, "Could not save the indicator");
    },
  });

  const remove = useMutation({
    mutationFn: (indicator: CustomIndicator) => deleteIndicator(indicator.indicatorId),
    onSuccess: (_, indicator) => {
      toast({ kind: "success", title: `Deleted ${indicator.name}` });
      if (editing?.indicatorId === indicator.indicatorId) startNew();
      void queryClient.invalidateQueries({ queryKey: keys.indicators });
      void queryClient.invalidateQueries({ queryKey: FORMULA_CHECKS });
    },
    onError: (error) => toastError(error, "Could not delete the indicator"),
  });

  function startNew() {
    setEditing(null);
    setDraft({ ...EMPTY, params: [] });
    setSaveError(null);
    errors.check({});
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const complete = errors.check({
      name: draft.name.trim() ? undefined : "Give the indicator a name",
      formula: draft.formula.trim() ? undefined : "Write a formula",
    });
    // Rows with a bad name or value show their problem already; they would not be sent.
    if (!complete || draft.params.some((row) => rowProblem(row))) return;
    save.mutate();
  }

  // A save's formula error (columns of the formula as typed) wins over the live check's until the text changes.
  const saveProblem: FormulaProblem | null =
    saveError instanceof ApiError && saveError.field === "formula"
      ? { message: errors.of("formula") ?? saveError.message, column: parseColumn(saveError.message) }
      : null;
  const problem = saveProblem ?? preview.problem ?? (errors.of("formula") ? { message: errors.of("formula") ?? "", column: null } : null);
  const paramError = (name: string) => (name ? errors.of(`parameters.${name}`) : undefined);
  const otherSaveError =
    saveError instanceof ApiError && saveError.field && !["name", "formula", "description"].includes(saveError.field) && !saveError.field.startsWith("parameters.")
      ? saveError.message
      : undefined;

  // The name labels the line; debounced so that typing it does not redraw the chart on every key.
  const label = useDebounced(draft.name.trim() || "Formula", 600);
  const lines = useMemo<Line[]>(
    () => (preview.plotted ? [{ name: label, points: preview.series, pane: "lower" }] : []),
    [preview.plotted, preview.series, label],
  );

  return (
    <div className="stack">
      <div className="research-columns">
        <Card
          title={editing ? `Edit ${editing.name}` : "New indicator"}
          actions={
            editing ? (
              <button type="button" onClick={startNew}>
                New indicator
              </button>
            ) : null
          }
        >
          <form className="stack" onSubmit={submit} aria-label="Custom indicator" noValidate>
            <Field label="Name" htmlFor="indicator-name" error={errors.of("name")} hint={keyOf(draft.name) ? `Other formulas refer to it as ${keyOf(draft.name)}` : "Other formulas refer to it by its key, e.g. FAST_SLOW_RSI"}>
              <input
                id="indicator-name"
                value={draft.name}
                onChange={(e) => change({ name: e.target.value })}
                maxLength={100}
                required
                aria-invalid={errors.of("name") ? true : undefined}
              />
            </Field>
            <FormulaEditor value={draft.formula} onChange={(formula) => change({ formula })} problem={problem} state={saveProblem ? "error" : preview.state} />
            <ParametersEditor rows={draft.params} onChange={(params) => change({ params })} errorFor={paramError} />
            <Field label="Description" htmlFor="indicator-description" error={errors.of("description")}>
              <textarea
                id="indicator-description"
                className="research-prose"
                value={draft.description}
                onChange={(e) => change({ description: e.target.value })}
                rows={2}
                maxLength={2000}
              />
            </Field>
            {otherSaveError ? (
              <span className="form-error" role="alert">
                {otherSaveError}
              </span>
            ) : null}
            <div className="row">
              <button type="submit" className="primary" disabled={save.isPending}>
                {save.isPending ? "Saving…" : editing ? "Update indicator" : "Save indicator"}
              </button>
              {editing ? (
                <span className="muted">
                  Key <code>{editing.key}</code> · lookback {editing.lookback} bars
                </span>
              ) : null}
            </div>
          </form>
        </Card>

        <Card title="Preview">
          <div className="stack">
            <div className="row">
              <SymbolField id="preview-symbol" label="Preview symbol" value={symbol} onChange={setSymbol} />
              <IntervalField id="preview-interval" label="Preview interval" value={interval} onChange={setPreviewInterval} />
            </div>
            {preview.otherError ? <ErrorNotice error={preview.otherError} what="preview" /> : null}
            <QueryView
              query={preview.candlesQuery}
              loading={<Skeleton lines={6} height={36} />}
              error={(error) => <ErrorNotice error={error} what="candles" />}
              isEmpty={(page) => page.data.length === 0}
              empty={
                <EmptyState title={`No ${symbol} ${interval} candles in the last ${PREVIEW_BARS} bars`}>
                  Pick another symbol or interval to preview the formula on.
                </EmptyState>
              }
            >
              {() => (
                <div data-testid="indicator-preview" data-plotted={preview.plotted ? "true" : "false"}>
                  <CandleChart
                    label={`${symbol} ${interval} candles with the formula`}
                    candles={preview.candles}
                    lines={lines}
                    height={440}
                    testId="indicator-preview-chart"
                  />
                  <p className="muted" role="status">
                    {preview.blank
                      ? "Write a formula to plot it in the pane under the price."
                      : preview.plotted
                        ? `${draft.name.trim() || "The formula"} over the last ${preview.candles.length} ${interval} bars, in the lower pane.`
                        : preview.state === "checking"
                          ? "Computing the preview…"
                          : problem
                            ? "Fix the formula to see its preview."
                            : "The formula has no value on these bars (not enough history for its lookback?)."}
                  </p>
                </div>
              )}
            </QueryView>
          </div>
        </Card>
      </div>

      <Card title="Your indicators">
        <QueryView
          query={list}
          error={(error) => <ErrorNotice error={error} what="indicators" />}
          isEmpty={(items) => items.length === 0}
          empty={
            <EmptyState title="No custom indicators yet">
              Write a formula above, check its preview, then press <strong>Save indicator</strong>. Saved indicators can be used
              in other formulas by their key and in Rules backtests.
            </EmptyState>
          }
        >
          {(items) => (
            <IndicatorList
              items={items}
              editingId={editing?.indicatorId ?? null}
              deletingId={remove.isPending ? (remove.variables?.indicatorId ?? null) : null}
              onEdit={(indicator) => {
                setEditing(indicator);
                setDraft(draftOf(indicator));
                setSaveError(null);
              }}
              onDelete={(indicator) => remove.mutate(indicator)}
            />
          )}
        </QueryView>
      </Card>
    </div>
  );
}
