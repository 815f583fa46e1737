import { useState } from "react";
import { Link } from "react-router-dom";
import { useSymbols } from "@/api/symbols";
import { ConfirmButton } from "@/components/ConfirmButton";
import { QueryView } from "@/components/QueryView";
import { Card, EmptyState, Field, Skeleton } from "@/components/ui";
import { formatTime } from "@/lib/format";
import { useUrlParams } from "@/lib/useUrlParams";
import { utcDayEndIso, utcDayStartIso } from "@/lib/dates";
import { useAlertAction, useAlerts, type ListFilters } from "./hooks";
import { describeRule } from "./rule";
import { STATUSES, type Alert, type AlertStatus } from "./types";

function useFilters(): [ListFilters, Record<string, string>, (key: string, value: string) => void, () => void] {
  const { params, set, clear } = useUrlParams();
  const raw = {
    status: params.get("status") ?? "",
    symbol: params.get("symbol") ?? "",
    from: params.get("from") ?? "",
    to: params.get("to") ?? "",
  };
  const filters: ListFilters = {
    status: STATUSES.includes(raw.status as AlertStatus) ? (raw.status as AlertStatus) : undefined,
    symbol: raw.symbol || undefined,
    from: utcDayStartIso(raw.from),
    to: utcDayEndIso(raw.to),
  };
  return [filters, raw, set, clear];
}

export function StatusPill({ status }: { status: string }) {
  return <span className={`pill pill-${status}`}>{status}</span>;
}

function Actions({ alert }: { alert: Alert }) {
  const action = useAlertAction();
  const [confirming, setConfirming] = useState(false);
  const busy = action.isPending;
  const remove = (
    <ConfirmButton
      label={`Delete alert ${alert.id}`}
      confirmText="Yes, delete"
      cancelText="Cancel"
      disabled={busy}
      autoFocus
      asking={confirming}
      onAskingChange={setConfirming}
      // The confirmation stays up, its buttons disabled, until the delete has settled.
      onConfirm={() => action.mutate({ alert, action: "delete" }, { onSettled: () => setConfirming(false) })}
    />
  );
  if (confirming) {
    return (
      <div className="alert-actions" role="group" aria-label={`Confirm deleting alert ${alert.id}`}>
        <span className="muted">Delete #{alert.id}?</span>
        {remove}
      </div>
    );
  }
  return (
    <div className="alert-actions">
      {alert.status === "ACTIVE" ? (
        <button type="button" disabled={busy} onClick={() => action.mutate({ alert, action: "pause" })} aria-label={`Pause alert ${alert.id}`}>
          Pause
        </button>
      ) : alert.status === "PAUSED" || alert.status === "TRIGGERED" ? (
        <button type="button" disabled={busy} onClick={() => action.mutate({ alert, action: "resume" })} aria-label={`Resume alert ${alert.id}`}>
          Resume
        </button>
      ) : null}
      <Link className="button-link" to={`/alerts/history?alertId=${alert.id}`} aria-label={`History of alert ${alert.id}`}>
        History
      </Link>
      {remove}
    </div>
  );
}

function frequencyText(alert: Alert): string {
  return alert.frequency === "EVERY_TIME" && alert.cooldownSeconds > 0
    ? `${alert.frequency} · ${alert.cooldownSeconds}s cooldown`
    : alert.frequency;
}

export function AlertList() {
  const [filters, raw, setFilter, clear] = useFilters();
  const alerts = useAlerts(filters);
  const symbols = useSymbols({ staleTime: 10 * 60_000 });
  const filtered = Object.values(raw).some(Boolean);
  const data = alerts.data;

  return (
    <div className="stack">
      <Card>
        <form className="row alert-filters" role="search" aria-label="Filter alerts" onSubmit={(e) => e.preventDefault()}>
          <Field label="Status" htmlFor="filter-status">
            <select id="filter-status" value={raw.status} onChange={(e) => setFilter("status", e.target.value)}>
              <option value="">All</option>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Symbol" htmlFor="filter-symbol">
            <select id="filter-symbol" value={raw.symbol} onChange={(e) => setFilter("symbol", e.target.value)}>
              <option value="">All</option>
              {(symbols.data ?? []).map((a) => (
                <option key={a.symbol} value={a.symbol}>
                  {a.symbol}
                </option>
              ))}
              {raw.symbol && !symbols.data?.some((a) => a.symbol === raw.symbol) ? <option value={raw.symbol}>{raw.symbol}</option> : null}
            </select>
          </Field>
          <Field label="Created from" htmlFor="filter-from" hint="UTC day">
            <input id="filter-from" type="date" value={raw.from} onChange={(e) => setFilter("from", e.target.value)} />
          </Field>
          <Field label="Created to" htmlFor="filter-to" hint="UTC day, included">
            <input id="filter-to" type="date" value={raw.to} onChange={(e) => setFilter("to", e.target.value)} />
          </Field>
          {filtered ? (
            <button type="button" onClick={clear}>
              Clear filters
            </button>
          ) : null}
        </form>
      </Card>

      <Card
        title="Your alerts"
        actions={
          data ? (
            <p className="alert-counts muted" data-testid="alert-counts" aria-live="polite">
              <strong data-testid="alert-total">{data.total}</strong> {filtered ? "matching" : data.total === 1 ? "alert" : "alerts"} ·{" "}
              <strong data-testid="alert-active">{data.active}</strong> active
            </p>
          ) : null
        }
      >
        <QueryView
          query={alerts}
          loading={<Skeleton lines={4} height={28} />}
          error="Could not load your alerts"
          isEmpty={(list) => list.alerts.length === 0}
          empty={
            filtered ? (
              <EmptyState title="No alert matches these filters">
                <button type="button" onClick={clear}>
                  Clear filters
                </button>
              </EmptyState>
            ) : (
              <EmptyState title="No alerts yet">
                <p>
                  Create one with <Link to="/alerts/new">New alert</Link>: pick a symbol, a condition such as “Price at or above”, a level
                  and where to be told (in the app, email, Discord…). Preview how often it would have fired before saving it.
                </p>
              </EmptyState>
            )
          }
        >
          {(list) => (
            <div className="table-wrap">
              <table className="alert-table alert-cards" data-testid="alert-table">
                <thead>
                  <tr>
                    <th scope="col">#</th>
                    <th scope="col">Symbol</th>
                    <th scope="col">Rule</th>
                    <th scope="col">Frequency</th>
                    <th scope="col">Channels</th>
                    <th scope="col">Status</th>
                    <th scope="col" className="num">
                      Triggers
                    </th>
                    <th scope="col">Created</th>
                    <th scope="col">
                      <span className="sr-only">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {list.alerts.map((alert) => (
                    <tr key={alert.id} data-testid={`alert-row-${alert.id}`}>
                      <td className="muted" data-label="#">{alert.id}</td>
                      <td data-label="Symbol">
                        <strong>{alert.symbol}</strong>
                      </td>
                      <td className="alert-rule" title={alert.condition} data-label="Rule">
                        {describeRule(alert.condition, alert.threshold, alert.metadata)}
                      </td>
                      <td className="muted" data-label="Frequency">{frequencyText(alert)}</td>
                      <td className="muted" data-label="Channels">{alert.channels.join(", ")}</td>
                      <td data-label="Status">
                        <StatusPill status={alert.status} />
                      </td>
                      <td className="num" data-testid="trigger-count" data-label="Triggers">
                        {alert.triggerCount}
                      </td>
                      <td className="muted" data-label="Created">{formatTime(alert.createdAt)}</td>
                      <td className="alert-actions-cell">
                        <Actions alert={alert} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </QueryView>
      </Card>
    </div>
  );
}
