import { useEffect, useRef, useState } from "react";
import { Link } from "react-router-dom";
import { ConfirmButton } from "@/components/ConfirmButton";
import { DataTable, type Column } from "@/components/table/DataTable";
import { EmptyState, Skeleton } from "@/components/ui";
import { shortUtc } from "@/lib/dates";
import { reportLink } from "@/realtime/reportToast";
import { useDeleteSchedule, usePauseSchedule, usePortfolioChoices, useSchedules, type Schedule } from "./api";
import { describeCadence, nextRunText } from "./cadence";
import { subjectText } from "./format";
import { TYPE_LABELS } from "./options";

export const scheduleRowId = (id: number) => `schedule-${id}`;

function Actions({ schedule, busy, onPause, onDelete }: {
  schedule: Schedule;
  busy: boolean;
  onPause: (schedule: Schedule) => void;
  onDelete: (schedule: Schedule, settle: () => void) => void;
}) {
  const [asking, setAsking] = useState(false);
  return (
    <div className="rp-actions" role={asking ? "group" : undefined} aria-label={asking ? `Confirm deleting schedule ${schedule.name}` : undefined}>
      {asking ? (
        <span className="muted">Delete this schedule?</span>
      ) : (
        <button type="button" disabled={busy} onClick={() => onPause(schedule)} aria-label={`${schedule.paused ? "Resume" : "Pause"} schedule ${schedule.name}`}>
          {schedule.paused ? "Resume" : "Pause"}
        </button>
      )}
      <ConfirmButton
        label={`Delete schedule ${schedule.name}`}
        confirmText="Yes, delete"
        autoFocus
        disabled={busy}
        asking={asking}
        onAskingChange={setAsking}
        onConfirm={() => onDelete(schedule, () => setAsking(false))}
      />
    </div>
  );
}

/** The caller's schedules: what each makes, when (in words), its next run on its zone's clock and in UTC, its last
 * report; pause or resume, delete. `created` (a new schedule's id) is focused once listed. */
export function ScheduleList({ created, headingId }: { created: { id: number; n: number } | undefined; headingId: string }) {
  const schedules = useSchedules();
  const pause = usePauseSchedule();
  const remove = useDeleteSchedule();
  const rows = schedules.data?.schedules ?? [];
  const portfolios = usePortfolioChoices(rows.some((s) => s.portfolioId !== null));
  const [focus, setFocus] = useState<{ target: number | "heading"; n: number }>();
  const handled = useRef({ created: 0, n: 0 });
  const ids = rows.map((s) => s.scheduleId).join(",");
  useEffect(() => {
    if (schedules.isFetching) return;
    let element: HTMLElement | null = null;
    if (created && handled.current.created !== created.n && ids.split(",").includes(String(created.id))) {
      handled.current.created = created.n;
      element = document.getElementById(scheduleRowId(created.id));
    } else if (focus && handled.current.n !== focus.n) {
      handled.current.n = focus.n;
      element = document.getElementById(focus.target === "heading" ? headingId : scheduleRowId(focus.target));
    }
    element?.focus();
  }, [created, focus, ids, schedules.isFetching, headingId]);

  function onDelete(schedule: Schedule, settle: () => void) {
    const at = rows.findIndex((s) => s.scheduleId === schedule.scheduleId);
    const neighbour = rows[at + 1] ?? rows[at - 1];
    remove.mutate(schedule.scheduleId, {
      onSuccess: () => setFocus((now) => ({ target: neighbour ? neighbour.scheduleId : "heading", n: (now?.n ?? 0) + 1 })),
      onSettled: settle,
    });
  }

  if (schedules.isPending) return <Skeleton lines={3} height={26} />;
  if (schedules.isError) {
    return (
      <EmptyState title="Could not load your schedules">
        <p>{schedules.error.message}</p>
        <button type="button" onClick={() => void schedules.refetch()}>
          Try again
        </button>
      </EmptyState>
    );
  }
  const columns: Column<Schedule>[] = [
    {
      key: "name",
      label: "Schedule",
      rowHeader: true,
      cell: (s) => (
        <span className="rp-name">
          <strong>{s.name}</strong>
          <span className="muted">
            {TYPE_LABELS[s.reportType]} · {s.format} · {subjectText(s, portfolios.data)}
          </span>
        </span>
      ),
      cellProps: () => ({ className: "rp-wrap rp-schedule-name" }),
    },
    { key: "when", label: "When", cell: (s) => describeCadence(s), cellProps: (s) => ({ className: "rp-wrap", "data-testid": `schedule-when-${s.scheduleId}` }) },
    {
      key: "next",
      label: "Next run",
      cell: (s) => {
        if (s.paused) return <span className="muted">paused</span>;
        const next = nextRunText(s);
        return (
          <span className="rp-name">
            <span>{next.local}</span>
            {next.utc ? <span className="muted">{next.utc}</span> : null}
          </span>
        );
      },
      cellProps: (s) => ({ "data-testid": `schedule-next-${s.scheduleId}` }),
    },
    {
      key: "last",
      label: "Last report",
      priority: 2,
      cell: (s) =>
        s.lastReportId ? (
          <span className="rp-name">
            <Link to={reportLink(s.lastReportId)}>{s.lastReportId}</Link>
            <span className="muted">{shortUtc(s.lastRunAt)} UTC</span>
          </span>
        ) : (
          <span className="muted">not run yet</span>
        ),
    },
    { key: "state", label: "State", cell: (s) => <span className={`pill pill-${s.paused ? "PAUSED" : "ACTIVE"}`}>{s.paused ? "PAUSED" : "ACTIVE"}</span> },
    {
      key: "actions",
      label: "Actions",
      hideLabel: true,
      cell: (s) => (
        <Actions
          schedule={s}
          busy={pause.isPending || remove.isPending}
          onPause={(x) => pause.mutate({ scheduleId: x.scheduleId, paused: !x.paused })}
          onDelete={onDelete}
        />
      ),
    },
  ];
  return (
    <DataTable
      columns={columns}
      rows={rows}
      rowKey={(s) => s.scheduleId}
      label="Your schedules"
      testId="schedule-table"
      cards
      maxHeight="none"
      rowProps={(s) => ({ id: scheduleRowId(s.scheduleId), tabIndex: -1, "data-testid": `schedule-row-${s.scheduleId}` })}
      empty={
        <EmptyState title="No schedules yet">
          <p>A schedule makes a report daily, weekly or monthly at an hour of your time zone, and delivers it.</p>
        </EmptyState>
      }
    />
  );
}
