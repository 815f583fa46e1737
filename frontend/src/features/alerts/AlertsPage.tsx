import { Navigate, Route, Routes, useLocation, useSearchParams } from "react-router-dom";
import { subTabLabel, TabNav } from "@/components/TabNav";
import { Page } from "@/components/ui";
import { AlertEdit } from "./AlertEdit";
import { AlertForm } from "./AlertForm";
import { AlertHistory } from "./AlertHistory";
import { AlertList } from "./AlertList";
import { AlertMetrics } from "./AlertMetrics";
import { Inbox } from "./Inbox";
import { Mailbox } from "./Mailbox";
import { formFromQuery } from "./query";
import "./alerts.css";

const TABS = [
  { to: "/alerts", label: "Alerts", end: true },
  { to: "/alerts/new", label: "New alert", end: false },
  { to: "/alerts/history", label: "History", end: false },
  { to: "/alerts/metrics", label: "Metrics", end: false },
  { to: "/alerts/inbox", label: "Inbox", end: false },
];

/** The create form, prefilled from its URL's query (a lesson's try-it link); a new query starts it afresh. */
function NewAlert() {
  const [query] = useSearchParams();
  return <AlertForm key={query.toString()} initial={formFromQuery(query)} />;
}

/** Alerts: the list, the create (and edit) form with its "would have fired" preview, history, metrics, and the inbox
 * with the local email mailbox. */
export default function AlertsPage() {
  const { pathname } = useLocation();
  const view = subTabLabel(TABS, pathname);
  return (
    <Page title="Alerts" view={view}>
      <TabNav label="Alert views" tabs={TABS} />
      <Routes>
        <Route index element={<AlertList />} />
        <Route path="new" element={<NewAlert />} />
        <Route path=":alertId/edit" element={<AlertEdit />} />
        <Route path="history" element={<AlertHistory />} />
        <Route path="metrics" element={<AlertMetrics />} />
        <Route
          path="inbox"
          element={
            <div className="stack">
              <Inbox />
              <Mailbox />
            </div>
          }
        />
        <Route path="*" element={<Navigate to="/alerts" replace />} />
      </Routes>
    </Page>
  );
}
