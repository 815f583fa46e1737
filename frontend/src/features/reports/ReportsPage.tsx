import { useState } from "react";
import { useLocation, useSearchParams } from "react-router-dom";
import { Card, Page } from "@/components/ui";
import { useReports } from "./api";
import { GenerateForm } from "./GenerateForm";
import { ReportList } from "./ReportList";
import { ScheduleForm } from "./ScheduleForm";
import { ScheduleList } from "./ScheduleList";
import "./reports.css";

const REPORTS_HEADING = "reports-heading";
const SCHEDULES_HEADING = "schedules-heading";

function Heading({ id, children }: { id: string; children: string }) {
  return (
    <h2 id={id} tabIndex={-1}>
      {children}
    </h2>
  );
}

/** "3 in all", once the list is known (the first page's query: the one a new report lands in). */
function ReportCount() {
  const count = useReports(0).data?.count;
  return count ? (
    <span className="muted" data-testid="report-count">
      {count} in all
    </span>
  ) : null;
}

/** Reports: generate one (PDF, Excel, HTML, CSV or JSON; delivered on the chosen channels), the list of yours
 * followed live until each is ready to download, and schedules that make them on a cadence. A report in the URL
 * (?report=, from a toast's "Open" or a schedule's last report) is highlighted and focused. */
export default function ReportsPage() {
  const [params, setParams] = useSearchParams();
  const location = useLocation();
  const highlight = params.get("report");
  const [scheduling, setScheduling] = useState(false);
  const [created, setCreated] = useState<{ id: number; n: number }>();

  return (
    <Page title="Reports">
      <Card title="Generate a report">
        <GenerateForm onGenerated={(g) => setParams(new URLSearchParams({ report: g.reportId }), { replace: true })} />
      </Card>
      <section className="card" aria-labelledby={REPORTS_HEADING}>
        <div className="card-header">
          <Heading id={REPORTS_HEADING}>Your reports</Heading>
          <ReportCount />
        </div>
        <ReportList highlight={highlight} focusKey={location.key} headingId={REPORTS_HEADING} />
      </section>
      <section className="card" aria-labelledby={SCHEDULES_HEADING}>
        <div className="card-header">
          <Heading id={SCHEDULES_HEADING}>Schedules</Heading>
          {scheduling ? null : (
            <button
              type="button"
              onClick={() => {
                setScheduling(true);
                // The form's first field, once it is there.
                requestAnimationFrame(() => document.getElementById("sc-type")?.focus());
              }}
            >
              New schedule
            </button>
          )}
        </div>
        <div className="stack">
          {scheduling ? (
            <ScheduleForm
              onCreated={(schedule) => {
                setScheduling(false);
                setCreated((now) => ({ id: schedule.scheduleId, n: (now?.n ?? 0) + 1 }));
              }}
              onCancel={() => {
                setScheduling(false);
                requestAnimationFrame(() => document.getElementById(SCHEDULES_HEADING)?.focus());
              }}
            />
          ) : null}
          <ScheduleList created={created} headingId={SCHEDULES_HEADING} />
        </div>
      </section>
    </Page>
  );
}
