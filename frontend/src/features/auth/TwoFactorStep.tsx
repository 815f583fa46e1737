import { useState, type FormEvent } from "react";
import { ApiError } from "@/api/errors";
import { signInSecondStep } from "@/api/security";
import { factorReady, OneTimeCodeField, secondFactor, type FactorKind } from "@/components/OneTimeCode";
import type { SignedIn } from "@/stores/auth";

/** The second step's ticket: the challenge token of the password step and when it stops being accepted. */
export interface Challenge {
  token: string;
  expiresAt: number;
}

export const EXPIRED_MESSAGE = "The sign-in step timed out. Enter your password again.";

/**
 * The code step of signing in: the authenticator app's code (or a recovery code) for the challenge the password
 * step returned. A wrong code is said under the field; an expired or refused challenge goes back to the password
 * form (`onBack` with why); too many tries says when to try again.
 */
export function TwoFactorStep({
  challenge,
  onSignedIn,
  onBack,
}: {
  challenge: Challenge;
  onSignedIn: (result: SignedIn) => void;
  onBack: (message: string | null) => void;
}) {
  const [kind, setKind] = useState<FactorKind>("code");
  const [value, setValue] = useState("");
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setGeneral(null);
    if (!factorReady(kind, value)) {
      setFieldError(kind === "code" ? "Enter the 6 digits your app shows." : "Enter one of your recovery codes.");
      return;
    }
    if (Date.now() >= challenge.expiresAt) {
      onBack(EXPIRED_MESSAGE);
      return;
    }
    setBusy(true);
    setFieldError(undefined);
    try {
      onSignedIn(await signInSecondStep(challenge.token, secondFactor(kind, value)));
    } catch (e) {
      setBusy(false);
      const error = e instanceof ApiError ? e : new ApiError(0, "NETWORK", String(e));
      if (error.code === "TOKEN_EXPIRED" || error.code === "INVALID_TOKEN") onBack(EXPIRED_MESSAGE);
      else if (error.code === "INVALID_TWO_FACTOR_CODE") {
        // The API says which: wrong, or already used (a code works once: wait for the next one).
        setFieldError(error.message || (kind === "code" ? "That code is wrong or was already used." : "That recovery code is wrong or was already used."));
        setValue("");
      } else setGeneral(error.message);
    }
  }

  return (
    <form className="card auth-card" onSubmit={(e) => void submit(e)} noValidate>
      <h1 id="two-factor-title">Two-factor code</h1>
      <p className="muted two-factor-intro">
        {kind === "code"
          ? "Your account has two-factor sign-in on. Enter the 6-digit code from your authenticator app."
          : "Lost your device? Enter one of the recovery codes you saved when you turned two-factor sign-in on. Each works once."}
      </p>
      <OneTimeCodeField
        id="two-factor-code"
        kind={kind}
        onKindChange={(next) => {
          setKind(next);
          setFieldError(undefined);
        }}
        value={value}
        onChange={(next) => {
          setValue(next);
          setFieldError(undefined);
        }}
        error={fieldError}
        autoFocus
      />
      {general ? (
        <p className="form-error" role="alert">
          {general}
        </p>
      ) : null}
      <button type="submit" className="primary" disabled={busy}>
        {busy ? "…" : "Verify and sign in"}
      </button>
      <button type="button" className="link-button auth-back" onClick={() => onBack(null)}>
        Back
      </button>
    </form>
  );
}
