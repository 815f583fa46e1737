import { Link } from "react-router-dom";
import { QueryView } from "@/components/QueryView";
import { Card, EmptyState, Field, Skeleton } from "@/components/ui";
import { formatNumber, formatPrice, formatTime } from "@/lib/format";
import { useUrlParams } from "@/lib/useUrlParams";
import { utcDayEndIso, utcDayStartIso } from "@/lib/dates";
import { useAlerts, useHistory } from "./hooks";
import type { Delivery } from "./types";

const LIMITS = [50, 100, 500, 1000];

function DeliveryPill({ delivery }: { delivery: Delivery }) {
  const latency = delivery.latencyMs === null ? null : `${formatNumber(delivery.latencyMs, 0)} ms`;
  const title = [
    `${delivery.attempts} attempt${delivery.attempts === 1 ? "" : "s"}`,
    latency ? `latency ${latency}` : null,
    delivery.lastError ? `last error: ${delivery.lastError}` : null,
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
    </span>
  );
}

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
                  #{a.id} {a.symbol} {a.condition}
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
            <div className="table-wrap">
              <table className="alert-cards" data-testid="history-table">
                <thead>
                  <tr>
                    <th scope="col">Fired</th>
                    <th scope="col">Alert</th>
                    <th scope="col">Symbol</th>
                    <th scope="col">Condition</th>
                    <th scope="col" className="num">
                      Price
                    </th>
                    <th scope="col" className="num">
                      Threshold
                    </th>
                    <th scope="col">Direction</th>
                    <th scope="col">Tick</th>
                    <th scope="col">Source</th>
                    <th scope="col">Deliveries</th>
                  </tr>
                </thead>
                <tbody>
                  {page.triggers.map((t) => (
                    <tr key={t.triggerId} data-testid="history-row">
                      <td data-label="Fired">{formatTime(t.firedAt)}</td>
                      <td data-label="Alert">
                        <Link to={`/alerts/history?alertId=${t.alertId}`}>#{t.alertId}</Link>
                      </td>
                      <td data-label="Symbol">{t.symbol}</td>
                      <td className="muted" data-label="Condition">{t.condition}</td>
                      <td className="num" data-label="Price">{formatPrice(t.price)}</td>
                      <td className="num muted" data-label="Threshold">{formatPrice(t.threshold)}</td>
                      <td className={t.direction === "UP" ? "up" : "down"} data-label="Direction">{t.direction === "UP" ? "↑ UP" : "↓ DOWN"}</td>
                      <td className="muted" title={t.tickAt} data-label="Tick">
                        {formatTime(t.tickAt)}
                      </td>
                      <td className="muted" data-label="Source">{t.source ?? "–"}</td>
                      <td data-label="Deliveries">
                        <div className="alert-deliveries">
                          {t.channels.length ? t.channels.map((d) => <DeliveryPill key={d.channel} delivery={d} />) : <span className="muted">–</span>}
                        </div>
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
