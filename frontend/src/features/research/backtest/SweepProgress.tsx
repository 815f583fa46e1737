import { useMutation, useQuery } from "@tanstack/react-query";
import { Skeleton } from "@/components/ui";
import { toastError } from "@/stores/ui";
import { cancelJob, fetchJob, keys, type SweepResult } from "../api";
import { ErrorNotice } from "../common";
import { SweepResults } from "./SweepResults";

const FINAL = new Set(["DONE", "FAILED", "CANCELLED"]);

/** Polls the sweep's job with a progress bar, then shows its results. */
export function SweepProgress({ jobId, onUse }: { jobId: string; onUse: (parameters: Record<string, number>) => void }) {
  const job = useQuery({
    queryKey: keys.job(jobId),
    queryFn: () => fetchJob(jobId),
    refetchInterval: (query) => (query.state.data && FINAL.has(query.state.data.status) ? false : 1000),
  });
  const cancel = useMutation({ mutationFn: () => cancelJob(jobId), onSuccess: () => void job.refetch(), onError: (e) => toastError(e) });

  if (job.isPending) return <Skeleton lines={2} />;
  if (job.isError) return <ErrorNotice error={job.error} what="sweep job" />;
  const j = job.data;
  const percent = Math.round((j.progress ?? 0) * 100);
  if (j.status === "DONE" && j.result) return <SweepResults result={j.result as SweepResult} onUse={onUse} />;
  if (j.status === "FAILED") {
    return (
      <div className="research-notice research-notice-error" role="alert">
        <strong>The sweep failed.</strong> {j.error ?? "No reason was given."}
      </div>
    );
  }
  if (j.status === "CANCELLED") return <p className="muted">The sweep was cancelled.</p>;
  return (
    <div className="stack" data-testid="sweep-progress">
      <div className="row">
        <progress className="research-progress" value={j.progress} max={1} aria-label="Sweep progress" />
        <span>
          {j.status === "PENDING" ? "Waiting for a worker…" : `${percent}%`} {j.message ? <span className="muted">· {j.message}</span> : null}
        </span>
        <button type="button" onClick={() => cancel.mutate()} disabled={cancel.isPending}>
          Cancel sweep
        </button>
      </div>
    </div>
  );
}
