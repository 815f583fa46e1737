import { Link } from "react-router-dom";
import { useUi, type Toast } from "@/stores/ui";

/** A toast's links: an app route, or a file downloaded by the browser (the URL as given). Either dismisses it. */
function Actions({ toast, onDone }: { toast: Toast; onDone: () => void }) {
  if (!toast.actions?.length) return null;
  return (
    <div className="toast-actions">
      {toast.actions.map((a) =>
        a.to !== undefined ? (
          <Link key={a.label} to={a.to} aria-label={a.ariaLabel} onClick={onDone}>
            {a.label}
          </Link>
        ) : (
          <a key={a.label} href={a.href} download aria-label={a.ariaLabel} onClick={onDone}>
            {a.label}
          </a>
        ),
      )}
    </div>
  );
}

export function Toasts() {
  const toasts = useUi((s) => s.toasts);
  const dismiss = useUi((s) => s.dismiss);
  return (
    <div className="toasts" aria-live="polite">
      {toasts.map((t) => (
        <div key={t.id} className={`toast toast-${t.kind}`} role={t.kind === "error" ? "alert" : "status"} data-testid={`toast-${t.kind}`}>
          <div>
            <strong>{t.title}</strong>
            {t.body ? <p>{t.body}</p> : null}
            <Actions toast={t} onDone={() => dismiss(t.id)} />
          </div>
          <button type="button" className="icon" aria-label="Dismiss" onClick={() => dismiss(t.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
