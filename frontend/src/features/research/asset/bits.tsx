/** Pieces the asset research cards share: a figure with its source on hover and focus, a missing figure's
 * reasons, the SNAPSHOT badge, and a label/value list. */
import { useId, useState, type ReactNode } from "react";
import type { Analysis, Provenance } from "./api";
import { provenanceText, reasonsFor, snapshotBadgeText, snapshotDays, unavailableText } from "./provenance";

/**
 * A number and where it came from: the source and as-of show on hover and on keyboard focus (a tab stop whose
 * description is that text), and Escape hides them again (WCAG 1.4.13).
 */
export function Sourced({
  children,
  provenance,
  note,
  testId,
  block = false,
}: {
  children: ReactNode;
  provenance?: Provenance | undefined;
  note?: string | undefined;
  testId?: string;
  /** Holds block content (a figure): divs rather than spans. */
  block?: boolean;
}) {
  const id = useId();
  const Box = block ? "div" : "span";
  const [hidden, setHidden] = useState(false);
  const text = [provenance ? provenanceText(provenance) : null, note].filter(Boolean).join(" · ");
  if (!text) return <span data-testid={testId}>{children}</span>;
  return (
    <Box className={"sourced" + (hidden ? " sourced-hidden" : "")} onMouseLeave={() => setHidden(false)}>
      <Box
        className="sourced-value"
        tabIndex={0}
        aria-describedby={id}
        data-testid={testId}
        onKeyDown={(e) => {
          if (e.key === "Escape") setHidden(true);
        }}
        onBlur={() => setHidden(false)}
      >
        {children}
      </Box>
      <span role="tooltip" id={id} className="sourced-tip" data-testid={testId ? `${testId}-source` : undefined}>
        {text}
      </span>
    </Box>
  );
}

/** "Unavailable — <reason>" in words, for a figure the analysis has no number for: the reasons given for the
 * first of `field` (and its fallbacks: the figures it is made from) that has any. */
export function Unavailable({ analysis, field, testId }: { analysis: Pick<Analysis, "unavailable">; field: string | readonly string[]; testId?: string }) {
  const fields = typeof field === "string" ? [field] : field;
  const reasons = fields.map((f) => reasonsFor(analysis, f)).find((r) => r.length) ?? [];
  return (
    <span className="asset-unavailable" data-testid={testId}>
      {unavailableText(reasons)}
    </span>
  );
}

/** The SNAPSHOT badge of a card whose figures are recordings; nothing when they are live. */
export function SnapshotBadge({ analysis, fields, testId }: { analysis: Pick<Analysis, "sources">; fields: readonly string[]; testId?: string }) {
  const days = snapshotDays(analysis, fields);
  if (!days.length) return null;
  return (
    <span className="asset-snapshot" data-testid={testId}>
      {snapshotBadgeText(days)}
    </span>
  );
}

/** Label/value rows (a description list). */
export function Facts({ rows, testId }: { rows: { label: string; value: ReactNode; key?: string }[]; testId?: string }) {
  return (
    <dl className="asset-facts" data-testid={testId}>
      {rows.map((row) => (
        <div key={row.key ?? row.label} className="asset-fact" data-testid={row.key ? `fact-${row.key}` : undefined}>
          <dt>{row.label}</dt>
          <dd>{row.value}</dd>
        </div>
      ))}
    </dl>
  );
}
