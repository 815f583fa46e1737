import { Link } from "react-router-dom";
import { DataTable, type Column } from "@/components/table/DataTable";
import { Skeleton } from "@/components/ui";
import { useAnalyses, type Analysis } from "./api";
import { utcStamp } from "./provenance";

export const analysisLink = (a: Pick<Analysis, "analysisId" | "symbol" | "timeframe">) =>
  `/research/asset?${new URLSearchParams({ symbol: a.symbol, timeframe: a.timeframe, analysis: a.analysisId }).toString()}`;

/** The caller's previous analyses, newest first; each reopens in the page. */
export function AnalysesList({ current, onOpen }: { current: string | null; onOpen: () => void }) {
  const list = useAnalyses();
  if (list.isPending) return <Skeleton lines={4} />;
  if (list.isError) return <p className="form-error">Could not load your analyses: {list.error.message}</p>;
  const columns: Column<Analysis>[] = [
    {
      key: "asset",
      label: "Analysis",
      rowHeader: true,
      cell: (a) => (
        <Link to={analysisLink(a)} onClick={onOpen} aria-current={a.analysisId === current ? "true" : undefined}>
          {a.symbol} · {a.timeframe}
        </Link>
      ),
    },
    { key: "result", label: "Result", cell: (a) => (a.status === "COMPLETE" ? `${a.recommendation ?? "–"} ${a.confidence == null ? "" : `${Math.round(a.confidence * 100)}%`}` : a.status) },
    { key: "when", label: "Generated (UTC)", cell: (a) => (a.generatedAt ? utcStamp(a.generatedAt).replace(" UTC", "") : "–"), priority: 2 },
  ];
  return (
    <DataTable
      columns={columns}
      rows={list.data.analyses}
      rowKey={(a) => a.analysisId}
      label="Your analyses"
      testId="analyses-list"
      maxHeight="260px"
      rowProps={(a) => ({ "data-current": a.analysisId === current ? "true" : undefined })}
      empty={<p className="muted">No analysis yet: run one and it is kept here.</p>}
    />
  );
}
