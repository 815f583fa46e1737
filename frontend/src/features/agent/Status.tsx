import type { UseQueryResult } from "@tanstack/react-query";
import { EmptyState } from "@/components/ui";
import type { AgentStatus } from "./api";
import { utc } from "./format";

/** The assistant's model and today's budget, in a line of the page's header. */
export function StatusLine({ status }: { status: UseQueryResult<AgentStatus, Error> }) {
  if (!status.data) return null;
  const { configured, provider, model, budget } = status.data;
  const n = (value: number) => value.toLocaleString("en");
  return (
    <p className="ag-status" data-testid="agent-status" title={`The budget resets at ${utc(budget.resetsAt)}`}>
      {configured ? (
        <span>
          <span className="sr-only">Model: </span>
          {provider} · <strong>{model}</strong>
        </span>
      ) : (
        <span>No model configured</span>
      )}
      <span>
        Today: {n(budget.requestsUsed)} / {n(budget.requestsPerDay)} requests · {n(budget.tokensUsed)} / {n(budget.tokensPerDay)} tokens
      </span>
    </p>
  );
}

/** In place of the composer when the server has no model provider: how to set one up. */
export function NotConfigured({ status }: { status: AgentStatus }) {
  return (
    <div className="ag-setup" data-testid="agent-not-configured">
      <EmptyState title="No language model is configured">
        <p>The assistant needs a model provider on the server. To set one up:</p>
        {status.problem ? <p>Why: {status.problem}</p> : null}
      </EmptyState>
      <pre>{status.setup}</pre>
    </div>
  );
}
