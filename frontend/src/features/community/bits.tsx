/** Pieces the community screens share: author line, age, tag and symbol chips, votes, status badges, the report form,
 * the server's HTML and the Markdown editor with its Preview tab. */
import { useId, useRef, useState, type FormEvent } from "react";
import { Link } from "react-router-dom";
import { fieldError } from "@/api/errors";
import { formatTime } from "@/lib/format";
import { useRoving } from "@/lib/roving";
import { ServerHtml } from "@/components/ServerHtml";
import type { Author, Moderation, Visibility } from "./api";
import { age, heldText } from "./format";
import { renderMarkdown } from "./markdown";

export const authorHref = (author: Author) => `/community?author=${encodeURIComponent(author.displayName)}`;

/** "ada · 42 rep": the handle links to their posts. */
export function AuthorLine({ author }: { author: Author | null }) {
  if (!author) return <span className="muted">[deleted]</span>;
  return (
    <span className="cm-author">
      <Link to={authorHref(author)} title={`Posts by ${author.displayName}`}>
        {author.displayName}
      </Link>
      <span className="muted" title="Reputation: votes received less moderation penalties">
        {author.reputation.toLocaleString()} rep
      </span>
    </span>
  );
}

export function Age({ iso, edited }: { iso: string; edited?: string | null | undefined }) {
  return (
    <span className="muted cm-age">
      <time dateTime={iso} title={formatTime(iso)}>
        {age(iso)}
      </time>
      {edited ? <span title={`Edited ${formatTime(edited)}`}> · edited</span> : null}
    </span>
  );
}

/** Tags link to the forum filtered by them, symbols to the forum filtered by the asset. */
export function Chips({ tags, symbols = [], label = "Tags" }: { tags: readonly string[]; symbols?: readonly string[]; label?: string }) {
  if (!tags.length && !symbols.length) return null;
  return (
    <ul className="cm-chips" aria-label={label}>
      {tags.map((tag) => (
        <li key={`t-${tag}`}>
          <Link className="cm-tag" to={`/community?tag=${encodeURIComponent(tag)}`}>
            #{tag}
          </Link>
        </li>
      ))}
      {symbols.map((symbol) => (
        <li key={`s-${symbol}`}>
          <Link className="cm-symbol" to={`/community?symbol=${encodeURIComponent(symbol)}`} title={`Posts about ${symbol}`}>
            {symbol}
          </Link>
        </li>
      ))}
    </ul>
  );
}

/** What only the author and moderators see: held for review (with the reasons), hidden, deleted, locked. */
export function StatusBadges({ status, moderation, locked = false }: { status: string; moderation: Moderation; locked?: boolean }) {
  return (
    <>
      {moderation.status === "HOLD_FOR_REVIEW" ? (
        <span className="pill cm-held" title={heldText(moderation)}>
          Held for review
        </span>
      ) : null}
      {status === "HIDDEN" ? <span className="pill cm-hidden">Hidden</span> : null}
      {status === "DELETED" ? <span className="pill cm-hidden">Deleted</span> : null}
      {locked ? <span className="pill cm-locked">Locked</span> : null}
    </>
  );
}

/**
 * Up and down buttons around the score: pressing the vote you gave withdraws it. `what` names the item in the
 * buttons' labels ("Upvote “RSI divergences”").
 */
export function Votes({
  score,
  myVote,
  what,
  disabled = false,
  busy = false,
  onVote,
  testId,
}: {
  score: number;
  myVote: number;
  what: string;
  disabled?: boolean;
  busy?: boolean;
  onVote: (value: -1 | 0 | 1) => void;
  testId?: string;
}) {
  return (
    <div className="cm-votes" role="group" aria-label={`Votes on ${what}`} data-testid={testId}>
      <button
        type="button"
        className="cm-vote cm-vote-up"
        aria-pressed={myVote === 1}
        aria-label={`Upvote ${what}`}
        title={myVote === 1 ? "Withdraw your upvote" : "Upvote"}
        disabled={disabled || busy}
        onClick={() => onVote(myVote === 1 ? 0 : 1)}
      >
        ▲
      </button>
      <span className={"cm-score" + (score > 0 ? " up" : score < 0 ? " down" : "")} aria-label={`Score ${score}`} data-testid="score">
        {score}
      </span>
      <button
        type="button"
        className="cm-vote cm-vote-down"
        aria-pressed={myVote === -1}
        aria-label={`Downvote ${what}`}
        title={myVote === -1 ? "Withdraw your downvote" : "Downvote"}
        disabled={disabled || busy}
        onClick={() => onVote(myVote === -1 ? 0 : -1)}
      >
        ▼
      </button>
    </div>
  );
}

/** "Report" opens a reason box; sending it reports the item to the moderators once. */
export function ReportButton({ what, onReport }: { what: string; onReport: (reason: string) => Promise<unknown> }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [sent, setSent] = useState(false);
  const [busy, setBusy] = useState(false);
  const id = useId();
  const opener = useRef<HTMLButtonElement>(null);
  if (sent) return <span className="muted cm-reported" role="status">Reported to the moderators</span>;
  if (!open) {
    return (
      <button type="button" ref={opener} className="cm-small" onClick={() => setOpen(true)} aria-label={`Report ${what}`}>
        Report
      </button>
    );
  }
  const tooShort = reason.trim().length < 3;
  async function submit(event: FormEvent) {
    event.preventDefault();
    if (tooShort) {
      setError(new Error("Say in a few words what is wrong (at least 3 characters)."));
      return;
    }
    setBusy(true);
    try {
      await onReport(reason.trim());
      setSent(true);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }
  const message = error ? (fieldError(error, "reason") ?? (error instanceof Error ? error.message : "Something went wrong")) : undefined;
  return (
    <form className="cm-report" onSubmit={(e) => void submit(e)} aria-label={`Report ${what}`}>
      <label htmlFor={id}>Why should moderators look at this?</label>
      <div className="cm-inline">
        <input
          id={id}
          value={reason}
          maxLength={500}
          autoFocus
          onChange={(e) => setReason(e.target.value)}
          aria-invalid={message ? true : undefined}
          aria-describedby={message ? `${id}-error` : undefined}
        />
        <button type="submit" className="danger" disabled={busy}>
          Send report
        </button>
        <button type="button" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
      {message ? (
        <span className="field-error" role="alert" id={`${id}-error`}>
          {message}
        </span>
      ) : null}
    </form>
  );
}

/** The server's sanitised HTML of a post or comment. */
export function Html({ html, className = "cm-body", testId }: { html: string; className?: string; testId?: string }) {
  return <ServerHtml html={html} className={className} testId={testId} />;
}

/** Who can read a post, as the composer and the edit form offer it. */
export function VisibilitySelect({ id, value, onChange }: { id: string; value: Visibility; onChange: (v: Visibility) => void }) {
  return (
    <select id={id} value={value} onChange={(e) => onChange(e.target.value as Visibility)}>
      {VISIBILITIES.map((v) => (
        <option key={v.value} value={v.value}>
          {v.label}
        </option>
      ))}
    </select>
  );
}

const VISIBILITIES: readonly { value: Visibility; label: string }[] = [
  { value: "PUBLIC", label: "Everyone" },
  { value: "FOLLOWERS", label: "My followers" },
  { value: "PRIVATE", label: "Only me" },
];

const EDITOR_TABS = ["Write", "Preview"] as const;

/**
 * A Markdown textarea with a Preview tab (tablist / tab / tabpanel). The preview is the client's approximation
 * (./markdown.tsx); the server renders the post when it is saved, which is what readers see.
 */
export function MarkdownEditor({
  id,
  label,
  value,
  onChange,
  error,
  rows = 12,
  maxLength = 40_000,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
  rows?: number;
  maxLength?: number;
}) {
  const [tab, setTab] = useState<(typeof EDITOR_TABS)[number]>("Write");
  const roving = useRoving(EDITOR_TABS.length, EDITOR_TABS.indexOf(tab), (i) => setTab(EDITOR_TABS[i]!));
  return (
    <div className={"field cm-editor" + (error ? " field-invalid" : "")}>
      <div className="cm-editor-head">
        <label htmlFor={id} id={`${id}-label`}>
          {label}
        </label>
        <div className="tabs cm-editor-tabs" role="tablist" aria-label={`${label}: write or preview`} onKeyDown={roving.onKeyDown}>
          {EDITOR_TABS.map((name, i) => (
            <button
              key={name}
              ref={roving.ref(i)}
              type="button"
              role="tab"
              id={`${id}-tab-${name}`}
              aria-selected={tab === name}
              aria-controls={`${id}-panel-${name}`}
              tabIndex={roving.tabIndexOf(i)}
              onClick={() => setTab(name)}
            >
              {name}
            </button>
          ))}
        </div>
      </div>
      <div role="tabpanel" id={`${id}-panel-Write`} aria-labelledby={`${id}-tab-Write`} hidden={tab !== "Write"}>
        <textarea
          id={id}
          value={value}
          rows={rows}
          maxLength={maxLength}
          onChange={(e) => onChange(e.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : `${id}-hint`}
        />
      </div>
      <div
        role="tabpanel"
        id={`${id}-panel-Preview`}
        aria-labelledby={`${id}-tab-Preview`}
        hidden={tab !== "Preview"}
        className="cm-preview"
        data-testid={`${id}-preview`}
        tabIndex={0}
      >
        {value.trim() ? <div className="cm-body">{renderMarkdown(value)}</div> : <p className="muted">Nothing to preview yet.</p>}
      </div>
      {error ? (
        <span className="field-error" role="alert" id={`${id}-error`}>
          {error}
        </span>
      ) : (
        <span className="field-hint" id={`${id}-hint`}>
          Markdown: **bold**, *italic*, [links](https://…), lists, `code`; $BTC and @handle become links when saved. The
          preview is close to, not exactly, what readers will see.
        </span>
      )}
    </div>
  );
}
