import { useEffect, useRef, useState } from "react";
import { ConfirmButton } from "@/components/ConfirmButton";
import { Pager } from "@/components/Pager";
import { DataTable, type Column } from "@/components/table/DataTable";
import { EmptyState, Skeleton } from "@/components/ui";
import { shortUtc } from "@/lib/dates";
import { PAGE, useBacktestChoices, useDeleteReport, useLiveReports, usePortfolioChoices, useReports, type Delivery, type Report } from "./api";
import { fileSize, progressText, subjectText } from "./format";
import { CHANNELS, TYPE_LABELS } from "./options";

export const rowId = (reportId: string) => `report-${reportId}`;
const CHANNEL_LABELS: Record<string, string> = Object.fromEntries(CHANNELS.map((c) => [c.value, c.label]));

function Status({ report }: { report: Report }) {
  return (
    <div className="rp-status" data-testid={`status-${report.reportId}`}>
      <span className={`pill rp-pill-${report.status}`}>{report.status}</span>
      {report.status === "GENERATING" ? (
        <span className="rp-progress">
          <progress max={1} value={report.progress} aria-label={`Progress of ${report.reportId}`} />
          <span className="muted">{progressText(report.progress, report.estimatedTime)}</span>
        </span>
      ) : report.status === "FAILED" ? (
        <span className="rp-error">{report.error ?? "No reason was given."}</span>
      ) : report.status === "EXPIRED" ? (
        <span className="muted">file removed</span>
      ) : null}
    </div>
  );
}

function Deliveries({ report }: { report: Report }) {
  if (!report.deliveryChannels.length) return <span className="muted">none</span>;
  if (!report.deliveries.length) {
    const when = report.status === "GENERATING" ? "when ready" : "not sent";
    return <span className="muted">{report.deliveryChannels.map((c) => CHANNEL_LABELS[c] ?? c).join(", ")} ({when})</span>;
  }
  return (
    <ul className="rp-deliveries">
      {report.deliveries.map((d: Delivery, i) => (
        <li key={`${d.channel}-${i}`} title={d.detail ?? undefined}>
          {CHANNEL_LABELS[d.channel] ?? d.channel} <span className={`pill pill-${d.status}`}>{d.status}</span>
          {d.lastError && d.status !== "DELIVERED" ? <span className="rp-error"> {d.lastError}</span> : null}
        </li>
      ))}
    </ul>
  );
}

function Actions({ report, busy, onDelete }: { report: Report; busy: boolean; onDelete: (report: Report, settle: () => void) => void }) {
  const [asking, setAsking] = useState(false);
  return (
    <div className="rp-actions" role={asking ? "group" : undefined} aria-label={asking ? `Confirm deleting ${report.reportId}` : undefined}>
      {asking ? (
        <span className="muted">Delete {report.reportId}?</span>
      ) : report.status === "READY" && report.downloadUrl ? (
        <a className="rp-download" href={report.downloadUrl} download aria-label={`Download ${report.reportId} (${report.format})`}>
          Download
        </a>
      ) : null}
      <ConfirmButton
        label={`Delete report ${report.reportId}`}
        confirmText="Yes, delete"
        autoFocus
        disabled={busy}
        asking={asking}
        onAskingChange={setAsking}
        onConfirm={() => onDelete(report, () => setAsking(false))}
      />
    </div>
  );
}

/**
 * The caller's reports, newest first, a page of PAGE at a time: each one's status (GENERATING with its progress,
 * followed live), size, deliveries, download link and delete. `highlight` (from the URL, a toast's "Open", a new
 * report) is marked, scrolled to and focused each time `focusKey` changes.
 */
export function ReportList({ highlight, focusKey, headingId }: { highlight: string | null; focusKey: string; headingId: string }) {
  const [offset, setOffset] = useState(0);
  const page = useReports(offset);
  const rows = useLiveReports(page.data?.reports ?? []);
  const remove = useDeleteReport();
  const portfolios = usePortfolioChoices(rows.some((r) => r.portfolioId !== null));
  const runs = useBacktestChoices(rows.some((r) => r.backtestId !== null));

  // A highlight that arrives (again: `focusKey` changes with each navigation) shows the first page, where new
  // reports are; the row is then scrolled to and focused once listed.
  const arrival = highlight ? `${focusKey}:${highlight}` : null;
  const [seenArrival, setSeenArrival] = useState(arrival);
  if (seenArrival !== arrival) {
    setSeenArrival(arrival);
    if (arrival) setOffset(0);
  }
  // After a delete: the row next to it, or the heading when none is left. Each request is acted on once.
  const [focus, setFocus] = useState<{ target: string; n: number }>();
  const handled = useRef<{ arrival: string | null; n: number }>({ arrival: null, n: 0 });
  const ids = rows.map((r) => r.reportId).join(",");
  useEffect(() => {
    const listed = ids.split(",");
    let target: string | null = null;
    if (arrival && highlight && handled.current.arrival !== arrival && listed.includes(highlight)) {
      handled.current.arrival = arrival;
      target = rowId(highlight);
    } else if (focus && handled.current.n !== focus.n) {
      handled.current.n = focus.n;
      target = focus.target === headingId ? headingId : rowId(focus.target);
    }
    if (!target) return;
    const id = target;
    // After the screen's own effects: arriving with a highlight, the page focuses its heading first.
    setTimeout(() => {
      const element = document.getElementById(id);
      element?.scrollIntoView?.({ block: "center" }); // not in jsdom
      element?.focus({ preventScroll: true });
    }, 0);
  }, [arrival, highlight, focus, ids, headingId]);

  function onDelete(report: Report, settle: () => void) {
    const at = rows.findIndex((r) => r.reportId === report.reportId);
    const neighbour = rows[at + 1] ?? rows[at - 1];
    remove.mutate(report.reportId, {
      onSuccess: () => {
        if (!neighbour && offset > 0) setOffset(Math.max(0, offset - PAGE));
        setFocus((now) => ({ target: neighbour ? neighbour.reportId : headingId, n: (now?.n ?? 0) + 1 }));
      },
      onSettled: settle,
    });
  }

  if (page.isPending) return <Skeleton lines={4} height={26} />;
  if (page.isError) {
    return (
      <EmptyState title="Could not load your reports">
        <p>{page.error.message}</p>
        <button type="button" onClick={() => void page.refetch()}>
          Try again
        </button>
      </EmptyState>
    );
  }
  const total = page.data.count;
  const columns: Column<Report>[] = [
    {
      key: "report",
      label: "Report",
      rowHeader: true,
      cell: (r) => (
        <span className="rp-name">
          <strong>{TYPE_LABELS[r.reportType]}</strong>
          <span className="muted">{r.reportId}</span>
        </span>
      ),
    },
    { key: "subject", label: "Covers", cell: (r) => subjectText(r, portfolios.data, runs.data), cellProps: () => ({ className: "rp-wrap rp-subject" }) },
    { key: "format", label: "Format", cell: (r) => r.format },
    { key: "status", label: "Status", cell: (r) => <Status report={r} />, cellProps: () => ({ className: "rp-wrap rp-status-cell" }) },
    { key: "created", label: "Created (UTC)", cell: (r) => shortUtc(r.createdAt), priority: 2 },
    { key: "generated", label: "Ready (UTC)", cell: (r) => shortUtc(r.generatedAt), priority: 3 },
    { key: "size", label: "Size", align: "end", cell: (r) => fileSize(r.sizeBytes), priority: 2 },
    { key: "deliveries", label: "Delivered", cell: (r) => <Deliveries report={r} />, priority: 2, cellProps: () => ({ className: "rp-wrap" }) },
    { key: "actions", label: "Actions", hideLabel: true, cell: (r) => <Actions report={r} busy={remove.isPending} onDelete={onDelete} /> },
  ];
  return (
    <div className="stack">
      <DataTable
        columns={columns}
        rows={rows}
        rowKey={(r) => r.reportId}
        label="Your reports"
        testId="report-table"
        cards
        maxHeight="none"
        rowProps={(r) => ({
          id: rowId(r.reportId),
          tabIndex: -1,
          className: r.reportId === highlight ? "rp-highlight" : undefined,
          "data-testid": `report-row-${r.reportId}`,
          "data-status": r.status,
          "aria-current": r.reportId === highlight ? "true" : undefined,
        })}
        empty={
          <EmptyState title="No reports yet">
            <p>Generate one above: it is listed here while it is made, then ready to download.</p>
          </EmptyState>
        }
      />
      <Pager offset={offset} size={PAGE} total={total} label="Report pages" onChange={setOffset} />
    </div>
  );
}
