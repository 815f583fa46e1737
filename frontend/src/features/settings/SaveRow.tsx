import type { ReactNode } from "react";

/** A preference card's save button, and what is saved (or that there are unsaved changes). */
export function SaveRow({ label, pending, dirty, saved }: { label: string; pending: boolean; dirty: boolean; saved: ReactNode }) {
  return (
    <div className="save-row">
      <button type="submit" className="primary" disabled={pending || !dirty}>
        {pending ? "Saving…" : label}
      </button>
      <span className={dirty ? "unsaved" : "muted"} role="status">
        {dirty ? "Unsaved changes" : saved}
      </span>
    </div>
  );
}
