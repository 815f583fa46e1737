import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ApiError, isFieldError } from "@/api/errors";
import { QueryView } from "@/components/QueryView";
import { Card, EmptyState, Skeleton } from "@/components/ui";
import { useUrlParams } from "@/lib/useUrlParams";
import { toastError, useUi } from "@/stores/ui";
import { deleteRun, fetchRuns, fetchStrategies, keys, runBacktest, type BacktestRun } from "../api";
import { ErrorNotice } from "../common";
import { CompareRuns } from "./CompareRuns";
import { buildRequest, shownFields, type BacktestDraft } from "./draft";
import { draftFromQuery } from "./query";
import { RunsList } from "./RunsList";
import { RunView } from "./RunView";
import { StrategyForm } from "./StrategyForm";
import { SweepForm } from "./SweepForm";
import { SweepProgress } from "./SweepProgress";

/** Backtests: the strategy form, the selected run, past runs with compare, and parameter sweeps. */
export default function BacktestPanel() {
  const queryClient = useQueryClient();
  const toast = useUi((s) => s.toast);
  const { params: search, set: setParam } = useUrlParams();
  const selected = search.get("run");
  // A link may fill the form in (a lesson's try-it: ?strategyName=...&p.rsiPeriod=14).
  const [draft, setDraft] = useState<BacktestDraft>(() => draftFromQuery(search));
  const [compareIds, setCompareIds] = useState<string[]>([]);
  const [comparing, setComparing] = useState(false);

  const strategies = useQuery({ queryKey: keys.strategies, queryFn: fetchStrategies, staleTime: Infinity });
  const strategy = strategies.data?.find((s) => s.name === draft.strategyName);
  const runs = useQuery({ queryKey: keys.runs, queryFn: fetchRuns });

  // The selected run and the running sweep live in the URL: a reload (or a shared link) keeps them.
  const sweepJob = search.get("sweep");
  const select = (id: string | null) => setParam("run", id);

  const run = useMutation({
    mutationFn: () => runBacktest(buildRequest(draft, strategy)),
    onSuccess: (result) => {
      queryClient.setQueryData<BacktestRun>(keys.run(result.backtestId), result);
      queryClient.setQueryData<BacktestRun[]>(keys.runs, (old) => (old ? [result, ...old] : old));
      void queryClient.invalidateQueries({ queryKey: keys.runs });
      select(result.backtestId);
      toast({ kind: "success", title: `Backtest ${result.backtestId} done` });
    },
    // Field errors and NO_DATA are shown in the form; anything else also as a toast.
    onError: (error) => {
      if (!(error instanceof ApiError) || (!error.field && error.code !== "NO_DATA")) toastError(error, "The backtest failed");
    },
  });

  const remove = useMutation({
    mutationFn: deleteRun,
    onSuccess: (_, id) => {
      if (selected === id) select(null);
      setCompareIds((ids) => ids.filter((x) => x !== id));
      queryClient.setQueryData<BacktestRun[]>(keys.runs, (old) => old?.filter((r) => r.backtestId !== id));
      void queryClient.invalidateQueries({ queryKey: keys.runs });
    },
    onError: (error) => toastError(error, "Could not delete the run"),
  });

  const change = (patch: Partial<BacktestDraft>) => {
    setDraft((d) => ({ ...d, ...patch }));
    if (run.isError) run.reset();
  };

  const error = run.error;
  const shown = shownFields(draft, strategy);
  // NO_DATA names the symbol, but the range is as much to blame: it gets a notice of its own.
  const noData = error instanceof ApiError && error.code === "NO_DATA";
  const inline = !noData && isFieldError(error, shown);
  const compared = (runs.data ?? []).filter((r) => compareIds.includes(r.backtestId));

  return (
    <div className="stack">
      <Card title="Backtest a strategy">
        {strategies.isError ? <ErrorNotice error={strategies.error} what="strategies" /> : null}
        <StrategyForm
          draft={draft}
          onChange={change}
          strategiesLoading={strategies.isPending}
          strategies={strategies.data ?? []}
          error={noData ? null : error}
          submitting={run.isPending}
          onSubmit={() => run.mutate()}
        />
        {error && !inline ? (
          <div className="research-after-form">
            <ErrorNotice error={error} what="backtest" />
          </div>
        ) : null}
      </Card>

      <Card title={selected ? `Run ${selected}` : "Result"} actions={selected ? <button type="button" onClick={() => select(null)}>Close</button> : null}>
        {run.isPending ? (
          <div className="stack" aria-live="polite">
            <span className="muted">Running the backtest…</span>
            <Skeleton lines={6} height={32} />
          </div>
        ) : selected ? (
          <RunView key={selected} backtestId={selected} />
        ) : (
          <EmptyState title="No run selected">Run a backtest above, or pick one of your past runs below to see its equity curve, metrics and trades.</EmptyState>
        )}
      </Card>

      <Card
        title="Past runs"
        actions={
          <div className="row">
            <span className="muted">{compareIds.length} selected</span>
            <button type="button" onClick={() => setComparing(true)} disabled={compareIds.length < 2}>
              Compare selected
            </button>
            {compareIds.length ? (
              <button
                type="button"
                onClick={() => {
                  setCompareIds([]);
                  setComparing(false);
                }}
              >
                Clear
              </button>
            ) : null}
          </div>
        }
      >
        <QueryView
          query={runs}
          error={(error) => <ErrorNotice error={error} what="runs" />}
          isEmpty={(list) => list.length === 0}
          empty={
            <EmptyState title="No backtests yet">
              Choose a strategy, a symbol and a range above and press <strong>Run backtest</strong>. Every run is kept here to
              view again or compare.
            </EmptyState>
          }
        >
          {(list) => (
            <RunsList
              runs={list}
              selectedId={selected}
              compareIds={compareIds}
              onView={(id) => select(id)}
              onToggleCompare={(id) => setCompareIds((ids) => (ids.includes(id) ? ids.filter((x) => x !== id) : [...ids, id]))}
              onDelete={(id) => remove.mutate(id)}
            />
          )}
        </QueryView>
        {runs.data && runs.data.length > 0 && compareIds.length < 2 ? (
          <p className="muted">Tick two or more runs to compare their metrics and equity curves.</p>
        ) : null}
      </Card>

      {comparing && compared.length >= 2 ? (
        <Card title={`Comparing ${compared.length} runs`} actions={<button type="button" onClick={() => setComparing(false)}>Close</button>}>
          <CompareRuns runs={compared} />
        </Card>
      ) : null}

      <Card title="Parameter sweep">
        <SweepForm draft={draft} strategy={strategy} onStarted={(job) => setParam("sweep", job.jobId)} />
        {sweepJob ? (
          <div className="research-after-form">
            <SweepProgress
              key={sweepJob}
              jobId={sweepJob}
              onUse={(parameters) => {
                change({ params: Object.fromEntries(Object.entries(parameters).map(([k, v]) => [k, String(v)])) });
                document.getElementById("bt-strategy")?.scrollIntoView?.({ behavior: "smooth", block: "center" });
              }}
            />
          </div>
        ) : null}
      </Card>
    </div>
  );
}
