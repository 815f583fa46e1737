import { useAuditLog } from "@/api/security";
import { EmptyState, Skeleton } from "@/components/ui";
import { useAuth } from "@/stores/auth";
import { ago, auditSentence, auditTone, deviceOf, exactUtc } from "./format";

/** The account's security events, newest first, as sentences with when, where from and on what; "Load more" goes back. */
export function AuditLog() {
  const log = useAuditLog();
  const me = useAuth((s) => s.user?.id);

  if (log.isPending) return <Skeleton lines={5} />;
  // An error before any page came (a failed "Load more" keeps the pages already shown, with a message).
  if (!log.data)
    return (
      <EmptyState title="Could not load the security log">
        <p>{log.error?.message}</p>
        <button type="button" onClick={() => void log.refetch()}>
          Try again
        </button>
      </EmptyState>
    );
  const events = log.data.pages.flatMap((page) => page.events);
  if (events.length === 0) return <EmptyState title="No security events yet">Sign-ins and changes to your account's security show here.</EmptyState>;

  return (
    <div className="stack">
      <ol className="audit-list" data-testid="audit-log">
        {events.map((event) => (
          <li key={event.id} className={`audit-event audit-${auditTone(event.action)}`}>
            <span className="audit-sentence">
              {auditSentence(event)}
              {event.actorId !== null && me !== undefined && event.actorId !== me ? <span className="muted"> (by an administrator)</span> : null}
            </span>
            <span className="audit-meta muted">
              <time dateTime={event.createdAt} title={exactUtc(event.createdAt)}>
                {ago(event.createdAt)}
              </time>
              {event.ip ? <span>{event.ip}</span> : null}
              {event.userAgent ? <span title={event.userAgent}>{deviceOf(event.userAgent)}</span> : null}
            </span>
          </li>
        ))}
      </ol>
      {log.isFetchNextPageError ? (
        <p className="form-error" role="alert">
          Could not load more: {log.error?.message}
        </p>
      ) : null}
      {log.hasNextPage ? (
        <div className="security-actions">
          <button type="button" disabled={log.isFetchingNextPage} onClick={() => void log.fetchNextPage()}>
            {log.isFetchingNextPage ? "Loading…" : "Load more"}
          </button>
        </div>
      ) : (
        <p className="muted audit-end">No older events.</p>
      )}
    </div>
  );
}
