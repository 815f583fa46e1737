import { useEffect, useRef, type ReactNode } from "react";
import { NavigationType, useNavigationType } from "react-router-dom";
import { useDocumentTitle } from "@/lib/useDocumentTitle";

/** Shared building blocks: page frame, loading skeleton, empty state, labelled field with its API error. */

/**
 * A screen: its heading, actions and content. Sets the document title (`view` first: "New alert · Alerts ·
 * Cryptomon") and, when the screen was reached by an action in the app (a link, signing in; not a first load
 * or the browser's back button), moves focus to its heading so keyboard and screen-reader users start there.
 */
export function Page({
  title,
  view,
  section,
  actions,
  children,
}: {
  title: string;
  view?: string | undefined;
  /** The area the screen belongs to when its title names one item ("Overview · Savings · Portfolios · Cryptomon"). */
  section?: string | undefined;
  actions?: ReactNode;
  children: ReactNode;
}) {
  useDocumentTitle(view, title, section);
  const heading = useRef<HTMLHeadingElement>(null);
  const arrival = useRef(useNavigationType()); // how this screen was reached, read once
  useEffect(() => {
    // Only when the screen appears: moving between its own views (tabs) keeps focus where the user is.
    if (arrival.current !== NavigationType.Pop) heading.current?.focus({ preventScroll: true });
  }, []);
  return (
    <section className="page" aria-labelledby="page-title">
      <header className="page-header">
        <h1 id="page-title" tabIndex={-1} ref={heading}>
          {title}
        </h1>
        {actions ? <div className="page-actions">{actions}</div> : null}
      </header>
      {children}
    </section>
  );
}

export function Skeleton({ lines = 3, height = 16 }: { lines?: number; height?: number }) {
  return (
    <div className="skeleton" aria-busy="true" aria-label="Loading">
      {Array.from({ length: lines }, (_, i) => (
        <div key={i} className="skeleton-line" style={{ height }} />
      ))}
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty" role="status">
      <strong>{title}</strong>
      {children ? <div>{children}</div> : null}
    </div>
  );
}

export function Field({
  label,
  error,
  hint,
  children,
  htmlFor,
}: {
  label: string;
  error?: string | undefined;
  hint?: string;
  children: ReactNode;
  htmlFor: string;
}) {
  return (
    <div className={"field" + (error ? " field-invalid" : "")}>
      <label htmlFor={htmlFor}>{label}</label>
      {children}
      {error ? (
        <span className="field-error" role="alert" id={`${htmlFor}-error`}>
          {error}
        </span>
      ) : hint ? (
        <span className="field-hint">{hint}</span>
      ) : null}
    </div>
  );
}

export function Card({ title, children, actions }: { title?: string; children: ReactNode; actions?: ReactNode }) {
  return (
    <div className="card">
      {title || actions ? (
        <div className="card-header">
          {title ? <h2>{title}</h2> : <span />}
          {actions}
        </div>
      ) : null}
      {children}
    </div>
  );
}
