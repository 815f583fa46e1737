import { useEffect, useRef, type Ref } from "react";
import { Link } from "react-router-dom";
import { apiItems } from "@/api/errors";
import { useAcceptProposal, type Proposal } from "./api";
import { inline } from "./format";

/** What the agent proposes, with the button that does it (once): the API creates it exactly as proposed. */

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

function Created({ proposal, id, linkRef }: { proposal: Proposal; id: string; linkRef: Ref<HTMLAnchorElement> }) {
  return proposal.kind === "ALERT" ? (
    <p className="ag-done" data-testid="proposal-done">
      ✓ Alert #{id} created.{" "}
      <Link ref={linkRef} to="/alerts" state={{ createdAlert: Number(id) }}>
        Open it in Alerts
      </Link>
    </p>
  ) : (
    <p className="ag-done" data-testid="proposal-done">
      ✓ Backtest {id} done.{" "}
      <Link ref={linkRef} to={`/research/backtest?run=${encodeURIComponent(id)}`}>
        Open the backtest
      </Link>
    </p>
  );
}

export function ProposalCard({ conversationId, proposal }: { conversationId: number; proposal: Proposal }) {
  const accept = useAcceptProposal(conversationId);
  const kind = KIND[proposal.kind];
  const created = accept.data?.created ?? proposal.created;
  const done = useRef<HTMLAnchorElement>(null);
  useEffect(() => {
    if (accept.isSuccess) done.current?.focus(); // the new link: where the user goes next
  }, [accept.isSuccess]);

  return (
    <article className="ag-proposal" aria-label={`${kind.label} proposal ${proposal.ref}`} data-testid={`proposal-${proposal.ref}`}>
      <p className="ag-proposal-head">
        <span className="pill ag-kind">{kind.label} proposal</span> <span className="muted">from {proposal.ref}</span>
      </p>
      <p className="ag-proposal-summary">{proposal.summary}</p>
      <RequestFields request={proposal.request} />
      {created ? (
        <Created proposal={proposal} id={created.id} linkRef={done} />
      ) : (
        <button type="button" className="primary" disabled={accept.isPending} onClick={() => accept.mutate(proposal.ref)}>
          {accept.isPending ? kind.pending : kind.action}
        </button>
      )}
      {accept.isError ? <Failure error={accept.error} what={kind.action.toLowerCase().replace(" this ", " the ")} /> : null}
    </article>
  );
}
