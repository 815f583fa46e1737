import { useEffect, useRef, useState } from "react";
import { useLocation, useNavigate } from "react-router-dom";
import { useCreateConversation, type AgentStatus } from "./api";
import type { ChatArrival } from "./Chat";
import { Composer, Starters } from "./Composer";
import { titleFrom } from "./format";
import { NotConfigured } from "./Status";

/** /agent without a conversation: what the assistant does, starter questions and a composer; the first question
 * starts a conversation named after it. */
export function Welcome({ status, canAsk }: { status: AgentStatus | undefined; canAsk: boolean }) {
  const create = useCreateConversation();
  const navigate = useNavigate();
  const deleted = (useLocation().state as { deleted?: string } | null)?.deleted;
  const [draft, setDraft] = useState("");
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    if (deleted) heading.current?.focus(); // the conversation is gone: start again here
  }, [deleted]);

  const ask = (question: string) =>
    create.mutate(
      { title: titleFrom(question), allowActions: false },
      { onSuccess: (made) => void navigate(`/agent/${made.conversationId}`, { state: { ask: question } satisfies ChatArrival }) },
    );

  return (
    <section className="card ag-chat ag-welcome" aria-labelledby="agent-welcome">
      <h2 id="agent-welcome" tabIndex={-1} ref={heading}>
        Ask the research assistant
      </h2>
      {deleted ? (
        <p role="status" className="muted">
          Deleted “{deleted}”.
        </p>
      ) : null}
      <p className="muted">
        It looks up prices, indicators, news, your alerts and your portfolio with tools, cites the source and time of
        every figure, and proposes alerts and backtests for you to create.
      </p>
      {canAsk ? (
        <>
          <Starters onAsk={ask} disabled={create.isPending} />
          <Composer value={draft} onChange={setDraft} onSend={ask} running={create.isPending} error={create.error} />
        </>
      ) : status ? (
        <NotConfigured status={status} />
      ) : null}
    </section>
  );
}
