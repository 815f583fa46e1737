import { useState } from "react";
import type { Citation, Message, Proposal } from "./api";
import { argumentsLine, duration, pretty, splitCitations, utc } from "./format";
import { ProposalCard } from "./ProposalCard";
import type { LiveToolCall } from "./turn";

/** A question and an answer: the answer's tool calls (each opens on its arguments and result), its text with the
 * refs it cites as buttons to those calls, its sources and its proposals; a failed turn's error. */

const callId = (domId: string, ref: string) => `${domId}-call-${ref}`;

/** The collapsed line of a call: running ("Calling tool(args)…") or done ("✓ tool · source · as of · 12 ms"). */
export function callLine(call: LiveToolCall): string {
  if (call.status === undefined) return `Calling ${call.tool}(${argumentsLine(call.arguments)})…`;
  if (call.status === "ERROR") return [`✗ ${call.tool}`, "failed", duration(call.durationMs)].join(" · ");
  return [`✓ ${call.tool}`, call.source ?? "no source", call.asOf ? `as of ${utc(call.asOf)}` : null, duration(call.durationMs)]
    .filter(Boolean)
    .join(" · ");
}

function ToolCallRow({ call, id, open, onToggle }: { call: LiveToolCall; id: string; open: boolean; onToggle: () => void }) {
  const state = call.status === "OK" ? "ok" : call.status === "ERROR" ? "error" : "running";
  return (
    <li className={`ag-call ag-call-${state}`} data-testid={`tool-call-${call.ref}`}>
      <button type="button" id={`${id}-toggle`} className="ag-call-toggle" aria-expanded={open} aria-controls={`${id}-body`} onClick={onToggle}>
        <span className="ag-ref">{call.ref}</span>{" "}
        <span className="ag-call-line">{callLine(call)}</span>
      </button>
      <div id={`${id}-body`} className="ag-call-body" hidden={!open}>
        <p className="ag-label">Arguments</p>
        <pre data-testid="tool-arguments" tabIndex={0} role="region" aria-label={`Arguments of ${call.ref}`}>
          {pretty(call.arguments)}
        </pre>
        <p className="ag-label">Result{call.source ? ` · ${call.source}` : ""}{call.asOf ? ` · as of ${utc(call.asOf)}` : ""}</p>
        {state === "running" ? <p className="muted">Waiting for the result…</p> : (
          // Focusable: a long result scrolls, and keyboard users scroll it too.
          <pre data-testid="tool-result" tabIndex={0} role="region" aria-label={`Result of ${call.ref}`}>
            {pretty(call.result)}
          </pre>
        )}
      </div>
    </li>
  );
}

/** The answer's text, each "[T1]" a button that opens and shows the call it cites. */
function AnswerText({ text, refs, onCite }: { text: string; refs: Map<string, LiveToolCall>; onCite: (ref: string) => void }) {
  return (
    <div className="ag-text" data-testid="answer-text">
      {splitCitations(text).map((part, i) => {
        if ("text" in part) return <span key={i}>{part.text}</span>;
        const call = refs.get(part.ref);
        if (!call) return <span key={i}>[{part.ref}]</span>;
        return (
          <button key={i} type="button" className="ag-cite" aria-label={`Source ${part.ref}: ${call.tool}`} onClick={() => onCite(part.ref)}>
            {part.ref}
          </button>
        );
      })}
    </div>
  );
}

function Sources({ id, citations, refs, onCite }: { id: string; citations: Citation[]; refs: Map<string, LiveToolCall>; onCite: (ref: string) => void }) {
  if (!citations.length) return null;
  return (
    <div className="ag-sources">
      <p className="ag-label" id={id}>
        Sources
      </p>
      <ul data-testid="sources" aria-labelledby={id}>
        {citations.map((c) => (
          <li key={c.ref}>
            {refs.has(c.ref) ? (
              <button type="button" className="link-button" onClick={() => onCite(c.ref)} aria-label={`Show ${c.ref}, ${c.tool}`}>
                {c.ref}
              </button>
            ) : (
              <span>{c.ref}</span>
            )}{" "}
            {c.tool} · {c.source ?? "no source"} · {c.asOf ? `as of ${utc(c.asOf)}` : "no time given"}
          </li>
        ))}
      </ul>
    </div>
  );
}

export interface AnswerProps {
  /** Unique on the page: the ids of the calls' rows start with it. */
  domId: string;
  text: string;
  toolCalls: LiveToolCall[];
  citations?: Citation[];
  /** The conversation the answer is in (its proposals are created through it). */
  conversationId: number;
  proposals?: Proposal[];
  error?: { code: string; message: string } | null;
  /** Still streaming: no text yet shows "Thinking…". */
  streaming?: boolean;
  /** A saved message still RUNNING (a turn started elsewhere, or cut short). */
  running?: boolean;
}

export function Answer({ domId, conversationId, text, toolCalls, citations = [], proposals = [], error = null, streaming = false, running = false }: AnswerProps) {
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const refs = new Map(toolCalls.map((c) => [c.ref, c]));
  const toggle = (ref: string) =>
    setOpen((now) => {
      const next = new Set(now);
      if (!next.delete(ref)) next.add(ref);
      return next;
    });
  const cite = (ref: string) => {
    setOpen((now) => new Set(now).add(ref));
    const button = document.getElementById(`${callId(domId, ref)}-toggle`);
    button?.focus({ preventScroll: true });
    button?.scrollIntoView?.({ block: "center", behavior: "smooth" });
  };
  return (
    <>
      {toolCalls.length ? (
        <ul className="ag-calls" aria-label="Tool calls">
          {toolCalls.map((call) => (
            <ToolCallRow key={call.ref} call={call} id={callId(domId, call.ref)} open={open.has(call.ref)} onToggle={() => toggle(call.ref)} />
          ))}
        </ul>
      ) : null}
      {text ? <AnswerText text={text} refs={refs} onCite={cite} /> : streaming ? <p className="muted ag-thinking">Thinking…</p> : null}
      {running && !streaming ? <p className="muted">Still working on this answer: reload the conversation in a moment.</p> : null}
      {error ? (
        <div className="ag-error" role="alert" data-testid="turn-error">
          <strong>The assistant could not answer</strong> <code>{error.code}</code>
          <p>{error.message}</p>
        </div>
      ) : null}
      <Sources id={`${domId}-sources`} citations={citations} refs={refs} onCite={cite} />
      {proposals.length ? (
        <div className="ag-proposals">
          {proposals.map((p) => (
            <ProposalCard key={p.ref} conversationId={conversationId} proposal={p} />
          ))}
        </div>
      ) : null}
    </>
  );
}

/** A saved assistant message's parts as <Answer> takes them. */
export function savedAnswer(message: Message, domId: string, conversationId: number): AnswerProps {
  return {
    domId,
    conversationId,
    text: message.content,
    toolCalls: message.toolCalls,
    citations: message.citations,
    proposals: message.proposals,
    error: message.error,
    running: message.status === "RUNNING",
  };
}
