import { useEffect } from "react";
import { Link } from "react-router-dom";
import { QueryView } from "@/components/QueryView";
import { Card, EmptyState, Skeleton } from "@/components/ui";
import { formatTime } from "@/lib/format";
import { useUi } from "@/stores/ui";
import { useInbox } from "./hooks";

/** The in-app inbox (GET /api/notifications, IN_APP): every trigger's message, newest first. */
export function Inbox() {
  const inbox = useInbox();
  const clearUnread = useUi((s) => s.clearUnread);
  useEffect(() => clearUnread(), [clearUnread, inbox.data]);

  const data = inbox.data;
  return (
    <Card title="Inbox" actions={data ? <span className="muted">{data.total} messages</span> : null}>
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
          <ul className="alert-inbox" data-testid="inbox">
            {page.notifications.map((n) => (
              <li key={n.id} className="alert-inbox-item">
                <div>
                  <strong>{n.title}</strong>
                  <div className="muted">
                    {formatTime(n.createdAt)}
                    {n.alertId !== null ? (
                      <>
                        {" · "}
                        <Link to={`/alerts/history?alertId=${n.alertId}`}>Alert #{n.alertId}</Link>
                      </>
                    ) : null}
                  </div>
                </div>
                <span className={`pill pill-${n.status}`}>{n.status}</span>
              </li>
            ))}
          </ul>
        )}
      </QueryView>
    </Card>
  );
}
