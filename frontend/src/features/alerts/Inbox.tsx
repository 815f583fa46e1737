import { useEffect } from "react";
import { Link } from "react-router-dom";
import { QueryView } from "@/components/QueryView";
import { DataTable, type Column } from "@/components/table/DataTable";
import { Card, EmptyState, Skeleton } from "@/components/ui";
import { formatTime } from "@/lib/format";
import { useUi } from "@/stores/ui";
import { useInbox } from "./hooks";
import type { NotificationPage } from "./types";

type Message = NotificationPage["notifications"][number];

const COLUMNS: Column<Message>[] = [
  { key: "title", label: "Message", cell: (n) => <strong>{n.title}</strong>, sortValue: (n) => n.title, cellProps: () => ({ className: "alert-inbox-title" }) },
  { key: "received", label: "Received", cell: (n) => formatTime(n.createdAt), sortValue: (n) => n.createdAt, cellProps: () => ({ className: "muted" }) },
  {
    key: "alert",
    label: "Alert",
    cell: (n) => (n.alertId !== null ? <Link to={`/alerts/history?alertId=${n.alertId}`}>Alert #{n.alertId}</Link> : "–"),
    sortValue: (n) => n.alertId,
    priority: 2,
  },
  { key: "status", label: "Status", cell: (n) => <span className={`pill pill-${n.status}`}>{n.status}</span>, sortValue: (n) => n.status },
];

/** The in-app inbox (GET /api/notifications, IN_APP): every trigger's message, newest first. */
export function Inbox() {
  const inbox = useInbox();
  const clearUnread = useUi((s) => s.clearUnread);
  useEffect(() => clearUnread(), [clearUnread, inbox.data]);

  const data = inbox.data;
  return (
    <Card title="Inbox" actions={data ? <span className="muted">{`${data.total} message${data.total === 1 ? "" : "s"}`}</span> : null}>
      <QueryView
        query={inbox}
        loading={<Skeleton lines={4} height={24} />}
        error="Could not load the inbox"
        isEmpty={(page) => page.notifications.length === 0}
        empty={
          <EmptyState title="Your inbox is empty">
            <p>
              Every alert that fires leaves a message here. <Link to="/alerts/new">Create an alert</Link>.
            </p>
          </EmptyState>
        }
      >
        {(page) => (
          <DataTable columns={COLUMNS} rows={page.notifications} rowKey={(n) => n.id} label="Inbox" testId="inbox" cards />
        )}
      </QueryView>
    </Card>
  );
}
