import { useEffect, useRef } from "react";
import { Link } from "react-router-dom";
import { apiItems } from "@/api/errors";
import { useCreateProposedAlert, useRunProposedBacktest, type Proposal } from "./api";
import { inline } from "./format";

/** What the agent proposes, with the button that does it: the request goes to the API exactly as proposed. */

const KIND = { ALERT: { label: "Alert", action: "Create this alert", pending: "Creating…" }, BACKTEST: { label: "Backtest", action: "Run this backtest", pending: "Running…" } };

/** The request's fields, the user's own id aside (it is the caller's). */
function RequestFields({ request }: { request: Record<string, unknown> }) {
  const fields = Object.entries(request).filter(([key, value]) => key !== "userId" && value !== null && value !== undefined);
  return (
    <dl className="ag-request" data-testid="proposal-request">
      {fields.map(([key, value]) => (
        <div key={key}>
          <dt>{key}</dt>
          <dd>{Array.isArray(value) && value.every((v) => typeof v !== "object") ? value.join(", ") : inline(value, 200)}</dd>
        </div>
      ))}
    </dl>
  );
}

function Failure({ error, what }: { error: unknown; what: string }) {
  const items = apiItems(error);
  return (
    <div className="ag-error" role="alert" data-testid="proposal-error">
      <strong>Could not {what}</strong>
      {items.length ? (
        <ul>
          {items.map((item, i) => (
            <li key={i}>
              {item.field ? <code>{item.field}</code> : null} {item.message}
            </li>
          ))}
        </ul>
      ) : (
        <p>{error instanceof Error ? error.message : String(error)}</p>
      )}
    </div>
  );
}

export function ProposalCard({ proposal }: { proposal: Proposal }) {
  const alert = useCreateProposedAlert();
  const backtest = useRunProposedBacktest();
  const kind = KIND[proposal.kind];
  const mutation = proposal.kind === "ALERT" ? alert : backtest;
  const done = useRef<HTMLAnchorElement>(null);
  useEffect(() => {
    if (mutation.isSuccess) done.current?.focus(); // the new link: where the user goes next
  }, [mutation.isSuccess]);
  const go = () => (proposal.kind === "ALERT" ? alert.mutate(proposal.request) : backtest.mutate(proposal.request));

  return (
    <article className="ag-proposal" aria-label={`${kind.label} proposal ${proposal.ref}`} data-testid={`proposal-${proposal.ref}`}>
      <p className="ag-proposal-head">
        <span className="pill ag-kind">{kind.label} proposal</span> <span className="muted">from {proposal.ref}</span>
      </p>
      <p className="ag-proposal-summary">{proposal.summary}</p>
      <RequestFields request={proposal.request} />
      {alert.data ? (
        <p className="ag-done" data-testid="proposal-done">
          ✓ Alert #{alert.data.id} created.{" "}
          <Link ref={done} to="/alerts" state={{ createdAlert: alert.data.id }}>
            Open it in Alerts
          </Link>
        </p>
      ) : backtest.data ? (
        <p className="ag-done" data-testid="proposal-done">
          ✓ Backtest {backtest.data.backtestId} done.{" "}
          <Link ref={done} to={`/research/backtest?run=${encodeURIComponent(backtest.data.backtestId)}`}>
            Open the backtest
          </Link>
        </p>
      ) : (
        <button type="button" className="primary" disabled={mutation.isPending} onClick={go}>
          {mutation.isPending ? kind.pending : kind.action}
        </button>
      )}
      {mutation.isError ? <Failure error={mutation.error} what={kind.action.toLowerCase().replace(" this ", " the ")} /> : null}
    </article>
  );
}
