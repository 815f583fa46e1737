import { useState, type FormEvent } from "react";
import { Link } from "react-router-dom";
import { Card, EmptyState, Field, Skeleton } from "@/components/ui";
import { formatTime } from "@/lib/format";
import { useFormErrors } from "@/lib/useFormErrors";
import { useUi } from "@/stores/ui";
import { useCreateRiskAlert, useDeleteRiskAlert, useRiskAlerts } from "./hooks";
import { RISK_CONDITIONS, riskConditionLabel, type Portfolio, type RiskAlert, type RiskAlertIn, type RiskCondition } from "./types";

/** The portfolio's risk alerts (a new portfolio comes with an IN_APP drift alert), and a form to add one. They fire
 * like price alerts: on the alert's channels, into the inbox, as a toast; history and channels under Alerts. */

const FIELDS = ["condition", "threshold", "symbol", "frequency"] as const;

function thresholdText(alert: RiskAlert, band: number): string {
  const t = alert.threshold;
  switch (alert.condition) {
    case "ALLOCATION_DRIFT":
      return `${alert.symbol === "PORTFOLIO" ? "any asset" : alert.symbol} beyond ±${((t ?? band) * 100).toFixed(1)}%${t === null ? " (the portfolio's band)" : ""}`;
    case "DRAWDOWN_BELOW":
      return `${String(t)}% from the peak`;
    case "VAR_BREACH":
      return "a day's loss beyond var95";
    default:
      return (t ?? 0).toLocaleString("en-US", { maximumFractionDigits: 2 });
  }
}

function AlertRow({ alert, portfolio }: { alert: RiskAlert; portfolio: Portfolio }) {
  const remove = useDeleteRiskAlert(portfolio.portfolioId);
  return (
    <tr>
      <th scope="row">{riskConditionLabel(alert.condition)}</th>
      <td>{thresholdText(alert, portfolio.band)}</td>
      <td>{alert.channels.join(", ")}</td>
      <td>{alert.frequency === "ONCE" ? "once" : alert.cooldownSeconds ? `every time, ${alert.cooldownSeconds / 60} min apart` : "every time"}</td>
      <td>{alert.status}</td>
      <td className="num">{alert.triggerCount}</td>
      <td>{alert.triggeredAt ? formatTime(alert.triggeredAt) : "—"}</td>
      <td>
        <button
          type="button"
          className="link-button"
          disabled={remove.isPending}
          aria-label={`Delete alert #${alert.id} (${riskConditionLabel(alert.condition)})`}
          onClick={() => remove.mutate(alert.id)}
        >
          Delete
        </button>
      </td>
    </tr>
  );
}

function AddRiskAlert({ portfolio }: { portfolio: Portfolio }) {
  const create = useCreateRiskAlert(portfolio.portfolioId);
  const [condition, setCondition] = useState<RiskCondition>("DRAWDOWN_BELOW");
  const [threshold, setThreshold] = useState("-10");
  const [frequency, setFrequency] = useState<RiskAlertIn["frequency"]>("EVERY_TIME");
  const errors = useFormErrors(FIELDS, create.error);
  const chosen = RISK_CONDITIONS.find((c) => c.value === condition);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    errors.submitted();
    const body: RiskAlertIn = { condition, frequency, channels: ["IN_APP"], cooldownSeconds: 0 };
    if (chosen?.threshold && threshold.trim() !== "") body.threshold = Number(threshold);
    create.mutate(body, {
      onSuccess: (created) => useUi.getState().toast({ kind: "success", title: `Alert #${created.id} added: ${riskConditionLabel(condition)}` }),
    });
  };

  return (
    <form className="pf-alert-form row" onSubmit={submit} aria-label="Add a risk alert" noValidate>
      <Field label="Condition" htmlFor="pf-alert-condition" error={errors.of("condition")}>
        <select
          id="pf-alert-condition"
          value={condition}
          onChange={(e) => {
            const next = e.target.value as RiskCondition;
            setCondition(next);
            setThreshold(next === "DRAWDOWN_BELOW" ? "-10" : "");
            errors.edited("condition", "threshold");
          }}
        >
          {RISK_CONDITIONS.map((c) => (
            <option key={c.value} value={c.value}>
              {c.label}
            </option>
          ))}
        </select>
      </Field>
      {chosen?.threshold ? (
        <Field label="Threshold" htmlFor="pf-alert-threshold" error={errors.of("threshold")} hint={chosen.threshold}>
          <input
            id="pf-alert-threshold"
            inputMode="decimal"
            value={threshold}
            onChange={(e) => {
              setThreshold(e.target.value);
              errors.edited("threshold");
            }}
          />
        </Field>
      ) : null}
      <Field label="Fires" htmlFor="pf-alert-frequency" error={errors.of("frequency")}>
        <select id="pf-alert-frequency" value={frequency} onChange={(e) => setFrequency(e.target.value as RiskAlertIn["frequency"])}>
          <option value="EVERY_TIME">Every time it is breached</option>
          <option value="ONCE">Once</option>
        </select>
      </Field>
      <button type="submit" disabled={create.isPending}>
        Add alert
      </button>
      {errors.general ? (
        <p className="field-error" role="alert">
          {errors.general}
        </p>
      ) : null}
    </form>
  );
}

export function RiskAlerts({ portfolio }: { portfolio: Portfolio }) {
  const alerts = useRiskAlerts(portfolio.portfolioId);
  return (
    <Card title="Risk alerts">
      <p className="muted">
        Judged on the live value. They reach you in the app; add other channels, read their history or pause them under{" "}
        <Link to="/alerts">Alerts</Link>.
      </p>
      {alerts.isPending ? (
        <Skeleton lines={3} height={20} />
      ) : alerts.data?.length ? (
        <div className="pf-scroll">
          <table className="table" data-testid="risk-alerts">
            <thead>
              <tr>
                <th scope="col">Condition</th>
                <th scope="col">Level</th>
                <th scope="col">Channels</th>
                <th scope="col">Fires</th>
                <th scope="col">Status</th>
                <th scope="col" className="num">
                  Fired
                </th>
                <th scope="col">Last</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {alerts.data.map((alert) => (
                <AlertRow key={alert.id} alert={alert} portfolio={portfolio} />
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <EmptyState title="No risk alerts">
          <p>Nothing watches this portfolio's drift, drawdown, VaR or value: add an alert below.</p>
        </EmptyState>
      )}
      <AddRiskAlert portfolio={portfolio} />
    </Card>
  );
}
