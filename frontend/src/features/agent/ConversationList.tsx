import { NavLink, useNavigate } from "react-router-dom";
import { QueryView } from "@/components/QueryView";
import { useConversations, useCreateConversation } from "./api";
import type { ChatArrival } from "./Chat";
import { utc } from "./format";
import { useTurns } from "./turn";

/** The user's conversations, latest first, and the button that starts a new one. */
export function ConversationList() {
  const list = useConversations();
  const create = useCreateConversation();
  const navigate = useNavigate();
  const turns = useTurns((s) => s.turns);

  const start = () =>
    create.mutate({ allowActions: false }, { onSuccess: (made) => void navigate(`/agent/${made.conversationId}`, { state: { compose: true } satisfies ChatArrival }) });

  return (
    <nav className="card ag-list" aria-labelledby="agent-conversations">
      <div className="ag-list-head">
        <h2 id="agent-conversations">Conversations</h2>
        <button type="button" className="primary" onClick={start} disabled={create.isPending} data-testid="new-conversation">
          New conversation
        </button>
      </div>
      <QueryView
        query={list}
        error="Could not load your conversations"
        isEmpty={(data) => data.conversations.length === 0}
        empty={<p className="muted ag-none">No conversations yet: ask a question to start one.</p>}
      >
        {(data) => (
          <ul>
            {[...data.conversations]
              .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))
              .map((c) => {
                const running = turns[c.conversationId] && !turns[c.conversationId]?.done;
                return (
                  <li key={c.conversationId}>
                    <NavLink to={`/agent/${c.conversationId}`} data-testid={`conversation-${c.conversationId}`}>
                      <span className="ag-list-title">{c.title}</span>
                      <span className="ag-list-meta">
                        {running ? "answering… · " : ""}
                        {c.messages} message{c.messages === 1 ? "" : "s"} · {utc(c.updatedAt)}
                        {c.allowActions ? " · actions on" : ""}
                      </span>
                    </NavLink>
                  </li>
                );
              })}
          </ul>
        )}
      </QueryView>
    </nav>
  );
}
