import { useEffect, useRef, useState } from "react";
import { Link, useLocation } from "react-router-dom";
import { useSymbols } from "@/api/symbols";
import { ConfirmButton } from "@/components/ConfirmButton";
import { QueryView } from "@/components/QueryView";
import { DataTable, type Column } from "@/components/table/DataTable";
import { Card, EmptyState, Field, Skeleton } from "@/components/ui";
import { formatTime } from "@/lib/format";
import { useUrlParams } from "@/lib/useUrlParams";
import { utcDayEndIso, utcDayStartIso } from "@/lib/dates";
import { useAlertAction, useAlerts, type ListFilters } from "./hooks";
import { describeRule, portfolioOf } from "./rule";
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
  const portfolio = portfolioOf(alert.metadata); // a risk alert is set up on its portfolio's page
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
      <Link
        className="button-link"
        to={portfolio === null ? `/alerts/${alert.id}/edit` : `/portfolios/${portfolio}/settings`}
        aria-label={`Edit alert ${alert.id}`}
      >
        Edit
      </Link>
      <Link className="button-link" to={`/alerts/history?alertId=${alert.id}`} aria-label={`History of alert ${alert.id}`}>
        History
      </Link>
      {remove}
    </div>
  );
}

/** The symbol, or for a portfolio's risk alert, the portfolio (with the asset a drift alert names). */
function Subject({ alert }: { alert: Alert }) {
  const portfolio = portfolioOf(alert.metadata);
  if (portfolio === null) return <strong>{alert.symbol}</strong>;
  return (
    <>
      <Link to={`/portfolios/${portfolio}`}>Portfolio #{portfolio}</Link>
      {alert.symbol !== "PORTFOLIO" ? <strong> {alert.symbol}</strong> : null}
    </>
  );
}

function frequencyText(alert: Alert): string {
  return alert.frequency === "EVERY_TIME" && alert.cooldownSeconds > 0
    ? `${alert.frequency} · ${alert.cooldownSeconds}s cooldown`
    : alert.frequency;
}

// The rule, status and actions are what the list is for; the id, channels and creation time give way first.
const COLUMNS: Column<Alert>[] = [
  { key: "id", label: "#", cell: (a) => a.id, sortValue: (a) => a.id, cellProps: () => ({ className: "muted" }), priority: 3 },
  { key: "symbol", label: "Symbol", cell: (a) => <Subject alert={a} />, sortValue: (a) => a.symbol },
  {
    key: "rule",
    label: "Rule",
    cell: (a) => (
      <>
        {describeRule(a.condition, a.threshold, a.metadata, a.confirmation)}
        {a.confirmation && a.status === "ACTIVE" && a.confirmation.reading === null ? (
          <span className="muted" data-testid="confirmation-waiting">
            {" "}
            · waiting for {a.confirmation.indicator} {a.confirmation.timeframe} data
          </span>
        ) : null}
      </>
    ),
    sortValue: (a) => a.condition,
    cellProps: (a) => ({ className: "alert-rule", title: a.condition }),
  },
  { key: "frequency", label: "Frequency", cell: frequencyText, sortValue: frequencyText, cellProps: () => ({ className: "muted" }), priority: 2 },
  { key: "channels", label: "Channels", cell: (a) => a.channels.join(", "), cellProps: () => ({ className: "muted" }), priority: 3 },
  { key: "status", label: "Status", cell: (a) => <StatusPill status={a.status} />, sortValue: (a) => a.status },
  {
    key: "triggers",
    label: "Triggers",
    align: "end",
    cell: (a) => a.triggerCount,
    sortValue: (a) => a.triggerCount,
    cellProps: () => ({ "data-testid": "trigger-count" }),
  },
  { key: "created", label: "Created", cell: (a) => formatTime(a.createdAt), sortValue: (a) => a.createdAt, cellProps: () => ({ className: "muted" }), priority: 2 },
  { key: "actions", label: "Actions", hideLabel: true, cell: (a) => <Actions alert={a} />, cellProps: () => ({ className: "alert-actions-cell" }) },
];

/** After the form creates an alert (its id in the navigation's state), focus moves to its row once listed. */
function useFocusCreated(alerts: Alert[] | undefined) {
  const created = (useLocation().state as { createdAlert?: number } | null)?.createdAlert;
  const done = useRef<number | null>(null);
  useEffect(() => {
    if (!created || done.current === created || !alerts?.some((a) => a.id === created)) return;
    done.current = created;
    document.getElementById(rowId(created))?.focus();
  }, [created, alerts]);
}

const rowId = (alertId: number) => `alert-${alertId}`;

export function AlertList() {
  const [filters, raw, setFilter, clear] = useFilters();
  const alerts = useAlerts(filters);
  const symbols = useSymbols({ staleTime: 10 * 60_000 });
  const filtered = Object.values(raw).some(Boolean);
  const data = alerts.data;
  useFocusCreated(data?.alerts);

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
            <DataTable
              columns={COLUMNS}
              rows={list.alerts}
              rowKey={(alert) => alert.id}
              label="Your alerts"
              testId="alert-table"
              className="alert-table"
              cards
              rowProps={(alert) => ({ "data-testid": `alert-row-${alert.id}`, id: rowId(alert.id), tabIndex: -1 })}
            />
          )}
        </QueryView>
      </Card>
    </div>
  );
}
