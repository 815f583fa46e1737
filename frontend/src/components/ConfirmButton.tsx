import type { ReactNode } from "react";

/**
 * A destructive action confirmed inline, without a browser dialog: the first button asks, then a confirm and a
 * cancel button take its place. Whether it is asking is the caller's state (so that a list can have one row asking
 * at a time, or a row hide its other actions meanwhile): cancel stops asking, and `onConfirm` should too, at once
 * or once the action has settled.
 */
export function ConfirmButton({
  label,
  children = "Delete",
  confirmText = "Confirm delete",
  confirmLabel,
  cancelText = "Keep",
  disabled = false,
  autoFocus = false,
  onConfirm,
  asking,
  onAskingChange: setAsking,
}: {
  /** The accessible name of the first button, e.g. "Delete alert 3". */
  label: string;
  children?: ReactNode;
  confirmText?: ReactNode;
  confirmLabel?: string;
  cancelText?: ReactNode;
  disabled?: boolean;
  /** Move the focus to the confirm button when it appears. */
  autoFocus?: boolean;
  onConfirm: () => void;
  asking: boolean;
  onAskingChange: (asking: boolean) => void;
}) {
  if (!asking) {
    return (
      <button type="button" className="danger" disabled={disabled} onClick={() => setAsking(true)} aria-label={label}>
        {children}
      </button>
    );
  }
  return (
    <>
      <button
        type="button"
        className="danger"
        disabled={disabled}
        autoFocus={autoFocus}
        onClick={onConfirm}
        aria-label={confirmLabel}
      >
        {confirmText}
      </button>
      <button type="button" onClick={() => setAsking(false)} disabled={disabled}>
        {cancelText}
      </button>
    </>
  );
}
