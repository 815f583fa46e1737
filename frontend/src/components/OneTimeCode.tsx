import { Field } from "./ui";
import "./OneTimeCode.css";

/** What the second factor of a form is: the authenticator app's 6-digit code, or one of the saved recovery codes. */
export type FactorKind = "code" | "recovery";

/** Only digits, at most 6: what an authenticator app shows (pasted "123 456" included). */
export const codeDigits = (text: string) => text.replace(/\D/g, "").slice(0, 6);

/** The body the API takes for the second factor: `{code}` or `{recoveryCode}` (trimmed, lower case). */
export function secondFactor(kind: FactorKind, value: string): { code: string } | { recoveryCode: string } {
  return kind === "code" ? { code: codeDigits(value) } : { recoveryCode: value.trim().toLowerCase() };
}

/** Whether the value can be sent: six digits, or a recovery code (10 letters and digits, a dash between two fives). */
export function factorReady(kind: FactorKind, value: string): boolean {
  return kind === "code" ? codeDigits(value).length === 6 : value.trim().length >= 10;
}

/**
 * A one-time code field: the app's 6-digit code (numeric keyboard, the browser's one-time-code autofill) or,
 * with `allowRecovery`, a recovery code instead (a toggle under the field switches between them).
 */
export function OneTimeCodeField({
  id,
  kind,
  onKindChange,
  value,
  onChange,
  error,
  label = "Two-factor code",
  allowRecovery = true,
  autoFocus = false,
}: {
  id: string;
  kind: FactorKind;
  onKindChange?: (kind: FactorKind) => void;
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
  label?: string;
  allowRecovery?: boolean;
  autoFocus?: boolean;
}) {
  const recovery = kind === "recovery";
  return (
    <div className="one-time-code">
      {recovery ? (
        <Field label="Recovery code" htmlFor={id} error={error} hint="One of the codes you saved, like abcde-fghij">
          <input
            key="recovery"
            id={id}
            autoComplete="off"
            autoCapitalize="none"
            spellCheck={false}
            autoFocus={autoFocus}
            value={value}
            onChange={(e) => onChange(e.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${id}-error` : undefined}
          />
        </Field>
      ) : (
        <Field label={label} htmlFor={id} error={error} hint="The 6-digit code your authenticator app shows">
          <input
            key="code"
            id={id}
            className="code-input"
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9]*"
            maxLength={6}
            autoFocus={autoFocus}
            value={value}
            onChange={(e) => onChange(codeDigits(e.target.value))}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${id}-error` : undefined}
          />
        </Field>
      )}
      {allowRecovery && onKindChange ? (
        <button
          type="button"
          className="link-button"
          onClick={() => {
            onChange("");
            onKindChange(recovery ? "code" : "recovery");
          }}
        >
          {recovery ? "Use a code from your app instead" : "Use a recovery code instead"}
        </button>
      ) : null}
    </div>
  );
}
