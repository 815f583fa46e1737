import { useState } from "react";
import { useEndOtherSessions, useEndSession, useSessions, type SessionOut } from "@/api/security";
import { QueryView } from "@/components/QueryView";
import { DataTable, type Column } from "@/components/table/DataTable";
import { EmptyState, Skeleton } from "@/components/ui";
import { toastError } from "@/stores/ui";
import { SignOutEverywhere } from "../SignOutEverywhere";
import { ago, deviceOf, exactUtc } from "./format";

function When({ iso }: { iso: string }) {
  return (
    <time dateTime={iso} title={exactUtc(iso)}>
      {ago(iso)}
    </time>
  );
}

/** Where the account is signed in: one row per live session (this device first), each but this one can be ended. */
export function SessionsCard() {
  const sessions = useSessions();
  const end = useEndSession();
  const endOthers = useEndOtherSessions();
  const [ended, setEnded] = useState<string | null>(null);

  const columns: Column<SessionOut>[] = [
    {
      key: "device",
      label: "Device",
      rowHeader: true,
      cell: (s) => (
        <span className="session-device">
          {deviceOf(s.userAgent)}
          {s.current ? <span className="pill pill-on">This device</span> : null}
        </span>
      ),
      cellProps: (s) => ({ title: s.userAgent ?? undefined }),
    },
    { key: "ip", label: "IP address", cell: (s) => s.ip ?? "–", priority: 3 },
    { key: "created", label: "Signed in", cell: (s) => <When iso={s.createdAt} />, priority: 2 },
    { key: "seen", label: "Last active", cell: (s) => (s.current ? "Now" : <When iso={s.lastSeenAt} />) },
    {
      key: "actions",
      label: "Actions",
      hideLabel: true,
      cell: (s) =>
        s.current ? null : (
          <button
            type="button"
            className="danger"
            disabled={end.isPending && end.variables === s.id}
            aria-label={`End the session of ${deviceOf(s.userAgent)}${s.ip ? ` at ${s.ip}` : ""}, last active ${ago(s.lastSeenAt)}`}
            onClick={() =>
              end.mutate(s.id, {
                onSuccess: () => setEnded(`Ended the session of ${deviceOf(s.userAgent)}.`),
                onError: (error) => toastError(error, "Could not end the session"),
              })
            }
          >
            End
          </button>
        ),
    },
  ];

  return (
    <div className="stack">
      <QueryView
        query={sessions}
        loading={<Skeleton lines={3} />}
        error="Could not load your sessions"
        isEmpty={(rows) => rows.length === 0}
        empty={<EmptyState title="No live sessions">Sessions appear here as you sign in on a device.</EmptyState>}
      >
        {(rows) => {
          const others = rows.filter((s) => !s.current).length;
          return (
            <>
              <DataTable label="Signed-in sessions" testId="sessions-table" columns={columns} rows={rows} rowKey={(s) => s.id} cards />
              <div className="security-actions">
                <button
                  type="button"
                  disabled={others === 0 || endOthers.isPending}
                  onClick={() =>
                    endOthers.mutate(undefined, {
                      onSuccess: (result) =>
                        setEnded(result.ended === 1 ? "Signed out 1 other session." : `Signed out ${result.ended} other sessions.`),
                      onError: (error) => toastError(error, "Could not sign out the other sessions"),
                    })
                  }
                >
                  {endOthers.isPending ? "Signing out…" : "Sign out all other sessions"}
                </button>
                {others === 0 ? <span className="muted">You are signed in on this device only.</span> : null}
              </div>
            </>
          );
        }}
      </QueryView>
      <p className="muted security-result" role="status">
        {ended ?? ""}
      </p>
      <div className="security-subsection">
        <h3>Sign out everywhere</h3>
        <SignOutEverywhere />
      </div>
    </div>
  );
}
