import { Link } from "react-router-dom";
import { QueryView } from "@/components/QueryView";
import { DataTable, type Column } from "@/components/table/DataTable";
import { Card, EmptyState, Field, Skeleton } from "@/components/ui";
import { formatNumber, formatPrice, formatTime } from "@/lib/format";
import { useUrlParams } from "@/lib/useUrlParams";
import { utcDayEndIso, utcDayStartIso } from "@/lib/dates";
import { useAlerts, useHistory } from "./hooks";
import { conditionText, isSeriesCondition, type Delivery, type History } from "./types";

const LIMITS = [50, 100, 500, 1000];
/** How the server answers an EMAIL kept in the user's local mailbox (no SMTP server). */
const LOCAL_MAILBOX = "local mailbox";

function DeliveryPill({ delivery }: { delivery: Delivery }) {
  const latency = delivery.latencyMs === null ? null : `${formatNumber(delivery.latencyMs, 0)} ms`;
  const title = [
    `${delivery.attempts} attempt${delivery.attempts === 1 ? "" : "s"}`,
    latency ? `latency ${latency}` : null,
    delivery.lastError ? `last error: ${delivery.lastError}` : null,
    delivery.detail ? `answer: ${delivery.detail}` : null,
  ]
    .filter(Boolean)
    .join(" · ");
  return (
    <span className="alert-delivery" title={title}>
      <span className={`pill pill-${delivery.status}`} data-testid={`delivery-${delivery.channel}`}>
        {delivery.channel} {delivery.status}
      </span>
      {latency ? <span className="muted alert-latency">{latency}</span> : null}
      {delivery.lastError ? <span className="down alert-latency">{delivery.lastError}</span> : null}
      {delivery.status === "DELIVERED" && delivery.detail?.startsWith(LOCAL_MAILBOX) ? (
        <Link className="muted alert-latency" to="/alerts/inbox">
          {delivery.detail}
        </Link>
      ) : null}
    </span>
  );
}

type Trigger = History["triggers"][number];

const muted = () => ({ className: "muted" });

const figure = (condition: string, value: number | null) => (isSeriesCondition(condition) ? formatNumber(value) : formatPrice(value));

// When the tick was and where it came from give way first: what fired, at what price, and the deliveries stay.
const COLUMNS: Column<Trigger>[] = [
  { key: "fired", label: "Fired", cell: (t) => formatTime(t.firedAt), sortValue: (t) => t.firedAt },
  { key: "alert", label: "Alert", cell: (t) => <Link to={`/alerts/history?alertId=${t.alertId}`}>#{t.alertId}</Link>, sortValue: (t) => t.alertId },
  { key: "symbol", label: "Symbol", cell: (t) => t.symbol, sortValue: (t) => t.symbol },
  { key: "condition", label: "Condition", cell: (t) => conditionText(t.condition), sortValue: (t) => t.condition, cellProps: muted, priority: 2 },
  // A research series' trigger carries the figure measured (an index, a score, a count), not a price.
  { key: "price", label: "Price", align: "end", cell: (t) => figure(t.condition, t.price), sortValue: (t) => t.price },
  { key: "threshold", label: "Threshold", align: "end", cell: (t) => figure(t.condition, t.threshold), sortValue: (t) => t.threshold, cellProps: muted, priority: 2 },
  {
    key: "direction",
    label: "Direction",
    cell: (t) => (t.direction === "UP" ? "↑ UP" : "↓ DOWN"),
    sortValue: (t) => t.direction,
    cellProps: (t) => ({ className: t.direction === "UP" ? "up" : "down" }),
  },
  { key: "tick", label: "Tick", cell: (t) => formatTime(t.tickAt), sortValue: (t) => t.tickAt, cellProps: (t) => ({ className: "muted", title: t.tickAt }), priority: 3 },
  { key: "source", label: "Source", cell: (t) => t.source ?? "–", sortValue: (t) => t.source, cellProps: muted, priority: 3 },
  {
    key: "deliveries",
    label: "Deliveries",
    cell: (t) => (
      <div className="alert-deliveries">
        {t.channels.length ? t.channels.map((d) => <DeliveryPill key={d.channel} delivery={d} />) : <span className="muted">–</span>}
      </div>
    ),
  },
];

/** Every trigger: the price and tick that fired it (time and source, to trace a false trigger) and how each
 * channel's delivery went. */
export function AlertHistory() {
  const { params, set } = useUrlParams();
  const alertId = Number(params.get("alertId")) || undefined;
  const limit = Number(params.get("limit")) || 100;
  const from = params.get("from") ?? "";
  const to = params.get("to") ?? "";
  const history = useHistory({ alertId, limit, from: utcDayStartIso(from), to: utcDayEndIso(to) });
  const alerts = useAlerts({});

  const data = history.data;
  return (
    <div className="stack">
      <Card>
        <form className="row" role="search" aria-label="Filter history" onSubmit={(e) => e.preventDefault()}>
          <Field label="Alert" htmlFor="history-alert">
            <select id="history-alert" value={alertId ?? ""} onChange={(e) => set("alertId", e.target.value)}>
              <option value="">All alerts</option>
              {(alerts.data?.alerts ?? []).map((a) => (
                <option key={a.id} value={a.id}>
                  #{a.id} {a.symbol} {conditionText(a.condition)}
                </option>
              ))}
              {alertId && !alerts.data?.alerts.some((a) => a.id === alertId) ? <option value={alertId}>#{alertId}</option> : null}
            </select>
          </Field>
          <Field label="Fired from" htmlFor="history-from" hint="UTC day">
            <input id="history-from" type="date" value={from} onChange={(e) => set("from", e.target.value)} />
          </Field>
          <Field label="Fired to" htmlFor="history-to" hint="UTC day, included">
            <input id="history-to" type="date" value={to} onChange={(e) => set("to", e.target.value)} />
          </Field>
          <Field label="Show" htmlFor="history-limit">
            <select id="history-limit" value={limit} onChange={(e) => set("limit", e.target.value === "100" ? "" : e.target.value)}>
              {LIMITS.map((n) => (
                <option key={n} value={n}>
                  {n} newest
                </option>
              ))}
            </select>
          </Field>
        </form>
      </Card>
      <Card
        title="Triggers"
        actions={data ? <span className="muted" data-testid="history-count">{data.count} shown</span> : null}
      >
        <QueryView
          query={history}
          loading={<Skeleton lines={4} height={28} />}
          error="Could not load the history"
          isEmpty={(page) => page.triggers.length === 0}
          empty={
            <EmptyState title="Nothing has fired yet">
              <p>
                Triggers show up here the moment an alert fires. <Link to="/alerts/new">Create an alert</Link> or widen the filters.
              </p>
            </EmptyState>
          }
        >
          {(page) => (
            <DataTable
              columns={COLUMNS}
              rows={page.triggers}
              rowKey={(t) => t.triggerId}
              label="Triggers fired"
              testId="history-table"
              cards
              rowProps={() => ({ "data-testid": "history-row" })}
            />
          )}
        </QueryView>
      </Card>
    </div>
  );
}
