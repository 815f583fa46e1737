import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState, type ReactElement } from "react";
import { NavigationType, useLocation, useNavigate, useNavigationType } from "react-router-dom";
import { ConfirmButton } from "@/components/ConfirmButton";
import { QueryView } from "@/components/QueryView";
import { MAX_TITLE, useConversation, useDeleteConversation, useUpdateConversation, type AgentStatus, type Conversation, type Message } from "./api";
import { Composer, Starters } from "./Composer";
import { utc } from "./format";
import { Answer, savedAnswer } from "./Message";
import { NotConfigured } from "./Status";
import { inHistory, sendMessage, useTurns, type LiveTurn } from "./turn";

/** One conversation: its header (rename, delete, allow actions), its messages with the running turn, the composer. */

/** What the chat may be asked to do on arrival (from the navigation's state). */
export interface ChatArrival {
  /** A question to send at once (asked before the conversation existed). */
  ask?: string;
  /** Focus the composer (a new, empty conversation). */
  compose?: boolean;
}

const itemId = (key: string) => `agent-msg-${key}`;

function Question({ id, text, at }: { id: string; text: string; at?: string }) {
  return (
    <article id={id} tabIndex={-1} className="ag-msg ag-user" aria-label="Your question">
      <p className="ag-who">
        You{at ? <time dateTime={at}> · {utc(at)}</time> : null}
      </p>
      <p className="ag-text">{text}</p>
    </article>
  );
}

function AnswerItem({ id, children, message }: { id: string; children: ReactElement; message?: Message }) {
  const usage = message?.usage;
  return (
    <article id={id} tabIndex={-1} className="ag-msg ag-assistant" aria-label="Answer" aria-busy={message ? undefined : true} data-testid="answer">
      <p className="ag-who">
        Assistant
        {message ? <time dateTime={message.createdAt}> · {utc(message.createdAt)}</time> : null}
        {usage ? <span className="muted"> · {(usage.inputTokens + usage.outputTokens).toLocaleString("en")} tokens</span> : null}
      </p>
      {children}
    </article>
  );
}

/** The history, then the running turn until its saved messages are in the history (under the same keys). */
function Messages({ conversation, turn }: { conversation: Conversation; turn: LiveTurn | undefined }) {
  const keyOf = useTurns((s) => s.keyOf);
  const live = turn && !(turn.done && inHistory(turn, conversation)) ? turn : undefined;
  const hidden = new Set(live ? [live.userMessageId, live.messageId] : []);
  const items = conversation.history
    .filter((m) => !hidden.has(m.messageId))
    .map((m) => {
      const key = keyOf[m.messageId] ?? `m${m.messageId}`;
      return (
        <li key={key}>
          {m.role === "USER" ? (
            <Question id={itemId(key)} text={m.content} at={m.createdAt} />
          ) : (
            <AnswerItem id={itemId(key)} message={m}>
              <Answer {...savedAnswer(m, itemId(key), conversation.conversationId)} />
            </AnswerItem>
          )}
        </li>
      );
    });
  if (live) {
    const q = `${live.key}-q`;
    const a = `${live.key}-a`;
    items.push(
      <li key={q}>
        <Question id={itemId(q)} text={live.question} />
      </li>,
      <li key={a}>
        <AnswerItem id={itemId(a)} {...(live.saved ? { message: live.saved } : {})}>
          {live.saved ? (
            <Answer {...savedAnswer(live.saved, itemId(a), conversation.conversationId)} error={live.saved.error ?? live.error} />
          ) : (
            <Answer domId={itemId(a)} conversationId={conversation.conversationId} text={live.text} toolCalls={live.toolCalls} error={live.error} streaming={!live.done} />
          )}
        </AnswerItem>
      </li>,
    );
  }
  if (!items.length) return null;
  return (
    <ol className="ag-messages" aria-label="Messages">
      {items}
    </ol>
  );
}

/** What a screen reader hears of the running turn: its steps, not every word. */
function turnStatus(turn: LiveTurn | undefined): string {
  if (!turn) return "";
  if (turn.done) return turn.error ? `The assistant could not answer: ${turn.error.message}` : "The answer is ready.";
  const calling = turn.toolCalls.find((c) => c.status === undefined);
  if (calling) return `Calling ${calling.tool}…`;
  return turn.text ? "Writing the answer…" : "Thinking…";
}

function Rename({ conversation, onDone }: { conversation: Conversation; onDone: () => void }) {
  const update = useUpdateConversation(conversation.conversationId);
  const [title, setTitle] = useState(conversation.title);
  const valid = title.trim().length > 0;
  return (
    <form
      className="ag-rename"
      aria-label="Rename the conversation"
      onSubmit={(event) => {
        event.preventDefault();
        if (valid) update.mutate({ title: title.trim() }, { onSuccess: onDone });
      }}
    >
      <label htmlFor="agent-title" className="sr-only">
        Title
      </label>
      <input
        id="agent-title"
        autoFocus
        value={title}
        maxLength={MAX_TITLE}
        onChange={(event) => setTitle(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === "Escape") onDone();
        }}
      />
      <button type="submit" className="primary" disabled={!valid || update.isPending}>
        Save
      </button>
      <button type="button" onClick={onDone}>
        Cancel
      </button>
    </form>
  );
}

function AllowActions({ conversation, status }: { conversation: Conversation; status: AgentStatus | undefined }) {
  const update = useUpdateConversation(conversation.conversationId);
  const writes = status?.tools.filter((t) => t.writes).map((t) => t.name) ?? [];
  const on = conversation.allowActions;
  return (
    <div className="ag-allow">
      <label>
        <input
          type="checkbox"
          checked={on}
          disabled={update.isPending}
          aria-describedby="agent-allow-help"
          onChange={(event) => update.mutate({ allowActions: event.target.checked })}
        />{" "}
        Allow actions
      </label>
      <p id="agent-allow-help" className="field-hint" data-testid="allow-help">
        {on
          ? `On: the assistant may create alerts and save backtests itself when you ask it to${writes.length ? ` (${writes.join(", ")})` : ""}.`
          : "Off: the assistant only proposes alerts and backtests; nothing is created until you press a proposal's button."}
      </p>
    </div>
  );
}

function ChatBody({ conversation, status, canAsk }: { conversation: Conversation; status: AgentStatus | undefined; canAsk: boolean }) {
  const id = conversation.conversationId;
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const location = useLocation();
  const navigationType = useNavigationType();
  const turn = useTurns((s) => s.turns[id]);
  const running = Boolean(turn && !turn.done);
  const [draft, setDraft] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [renaming, setRenaming] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [focusTurn, setFocusTurn] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  const remove = useDeleteConversation();

  async function send(text: string) {
    setError(null);
    try {
      await sendMessage(queryClient, id, text);
      setDraft("");
      setFocusTurn(useTurns.getState().turns[id]?.key ?? null);
    } catch (refused) {
      setDraft(text);
      setError(refused);
      setTimeout(() => input.current?.focus());
    }
  }

  // The question being answered has the focus (the composer is disabled meanwhile): screen readers start there.
  useEffect(() => {
    if (focusTurn) document.getElementById(itemId(`${focusTurn}-a`))?.focus();
  }, [focusTurn]);

  // On arrival: a question asked before the conversation existed is sent; a new one focuses the composer; one
  // picked from the list, its heading.
  const arrived = useRef(false);
  useEffect(() => {
    if (arrived.current) return;
    arrived.current = true;
    const state = (location.state ?? {}) as ChatArrival;
    if (state.ask || state.compose) void navigate(location.pathname, { replace: true, state: null });
    const question = state.ask;
    if (question) queueMicrotask(() => void send(question)); // after this render: send() sets the composer's state
    else if (state.compose) input.current?.focus();
    else if (navigationType !== NavigationType.Pop) heading.current?.focus();
    // Once, on arrival only.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  return (
    <section className="card ag-chat" aria-labelledby="agent-chat-title">
      <header className="ag-chat-head">
        {renaming ? (
          <Rename
            conversation={conversation}
            onDone={() => {
              setRenaming(false);
              setTimeout(() => heading.current?.focus());
            }}
          />
        ) : (
          <h2 id="agent-chat-title" tabIndex={-1} ref={heading}>
            {conversation.title}
          </h2>
        )}
        <div className="ag-chat-actions">
          {renaming || deleting ? null : (
            <button type="button" onClick={() => setRenaming(true)}>
              Rename
            </button>
          )}
          <ConfirmButton
            label="Delete this conversation"
            confirmText="Delete it"
            confirmLabel={`Delete “${conversation.title}” and its messages`}
            autoFocus
            asking={deleting}
            onAskingChange={setDeleting}
            disabled={remove.isPending || running}
            onConfirm={() =>
              remove.mutate(id, {
                onSuccess: () => {
                  useTurns.getState().drop(id);
                  void navigate("/agent", { state: { deleted: conversation.title } });
                },
              })
            }
          />
        </div>
        <AllowActions conversation={conversation} status={status} />
      </header>

      <p className="sr-only" role="status">
        {turnStatus(turn)}
      </p>
      <Messages conversation={conversation} turn={turn} />
      {!conversation.history.length && !turn && canAsk ? <Starters onAsk={(q) => void send(q)} disabled={running} /> : null}
      {canAsk ? (
        <Composer value={draft} onChange={setDraft} onSend={(text) => void send(text)} running={running} error={error} inputRef={input} />
      ) : status ? (
        <NotConfigured status={status} />
      ) : null}
    </section>
  );
}

export function Chat({ conversationId, status, canAsk }: { conversationId: number; status: AgentStatus | undefined; canAsk: boolean }) {
  const query = useConversation(conversationId);
  return (
    <QueryView query={query} error="Could not open this conversation">
      {(conversation) => <ChatBody conversation={conversation} status={status} canAsk={canAsk} />}
    </QueryView>
  );
}
