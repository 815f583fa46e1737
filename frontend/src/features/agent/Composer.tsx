import type { RefObject } from "react";
import { ApiError, fieldError } from "@/api/errors";
import { MAX_MESSAGE } from "./api";

/** The question box: Enter sends, Shift+Enter starts a new line; the API's refusal is shown under it, the text kept. */

const REFUSALS: Record<string, string> = {
  SERVICE_UNAVAILABLE: "No language model is configured",
  RATE_LIMITED: "Today's assistant budget is used up",
  CONFLICT: "A turn is still running in this conversation",
  NOT_FOUND: "This conversation no longer exists",
  FORBIDDEN: "This conversation is not yours",
};

export function Refusal({ error }: { error: unknown }) {
  const code = error instanceof ApiError ? error.code : null;
  return (
    <div className="ag-error" role="alert" data-testid="composer-error">
      <strong>{(code && REFUSALS[code]) ?? "The message was not sent"}</strong> {code ? <code>{code}</code> : null}
      <p>{error instanceof Error ? error.message : String(error)}</p>
    </div>
  );
}

export function Composer({
  value,
  onChange,
  onSend,
  running,
  error,
  inputRef,
}: {
  value: string;
  onChange: (value: string) => void;
  onSend: (text: string) => void;
  /** A turn is running (or the message is on its way): nothing more can be sent meanwhile. */
  running: boolean;
  error: unknown;
  inputRef?: RefObject<HTMLTextAreaElement | null>;
}) {
  const blank = value.trim() === "";
  const contentError = fieldError(error, "content");
  const send = () => {
    if (!blank && !running) onSend(value);
  };
  return (
    <form
      className="ag-composer"
      aria-label="Ask the assistant"
      onSubmit={(event) => {
        event.preventDefault();
        send();
      }}
    >
      <label htmlFor="agent-input" className="ag-label">
        Your question
      </label>
      <textarea
        id="agent-input"
        ref={inputRef}
        rows={3}
        maxLength={MAX_MESSAGE}
        value={value}
        disabled={running}
        placeholder="Ask about prices, indicators, your alerts or your portfolio…"
        aria-invalid={contentError ? true : undefined}
        aria-describedby={`agent-input-hint agent-input-count${contentError ? " agent-input-error" : ""}`}
        onChange={(event) => onChange(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
            event.preventDefault();
            send();
          }
        }}
      />
      <div className="ag-composer-foot">
        <span id="agent-input-hint" className="field-hint">
          Enter sends · Shift+Enter for a new line
        </span>
        <span id="agent-input-count" className={"ag-count" + (value.length >= MAX_MESSAGE ? " ag-count-full" : "")} data-testid="composer-count">
          {value.length} / {MAX_MESSAGE}
          <span className="sr-only"> characters</span>
        </span>
        <button type="submit" className="primary" disabled={blank || running}>
          {running ? "Answering…" : "Send"}
        </button>
      </div>
      {contentError ? (
        <span className="field-error" role="alert" id="agent-input-error">
          {contentError}
        </span>
      ) : error ? (
        <Refusal error={error} />
      ) : null}
    </form>
  );
}

export const STARTERS = [
  "What is the RSI of BTC right now?",
  "Why did my last alert fire?",
  "How risky is my portfolio?",
  "Backtest an RSI strategy on ETH",
];

/** Questions to start with, each sent as it is when pressed. */
export function Starters({ onAsk, disabled }: { onAsk: (question: string) => void; disabled: boolean }) {
  return (
    <div className="ag-starters">
      <p className="ag-label" id="agent-starters">
        Try asking
      </p>
      <ul aria-labelledby="agent-starters">
        {STARTERS.map((question) => (
          <li key={question}>
            <button type="button" disabled={disabled} onClick={() => onAsk(question)}>
              {question}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
