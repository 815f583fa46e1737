import { useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Link, useNavigate } from "react-router-dom";
import { api, unwrap } from "@/api/client";
import { ApiError } from "@/api/errors";
import { isTwoFactorChallenge } from "@/api/security";
import { Field } from "@/components/ui";
import { useDocumentTitle } from "@/lib/useDocumentTitle";
import { useFormErrors } from "@/lib/useFormErrors";
import { isThemeChoice } from "@/lib/theme";
import { useAuth, type SignedIn } from "@/stores/auth";
import { useUi } from "@/stores/ui";
import { TwoFactorStep, type Challenge } from "./TwoFactorStep";
import "./auth.css";

/** Sign in and sign up: one form, two modes. Signing in to an account with two-factor sign-in on takes a second
 * step: the password form answers with a challenge, and the code (or a recovery code) finishes it. */
export default function AuthPage({ mode }: { mode: "signin" | "signup" }) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const signIn = useAuth((s) => s.signIn);
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [challenge, setChallenge] = useState<Challenge | null>(null);
  const signup = mode === "signup";
  const errors = useFormErrors(["email", "password"], error);
  useDocumentTitle(challenge ? "Two-factor code" : signup ? "Create your account" : "Sign in");

  function finish(result: SignedIn) {
    // Nothing read before this sign-in (another account's, or this one's before signing out) is shown after it.
    queryClient.clear();
    signIn(result.tokens, result.user);
    // The account's saved theme from the first paint after signing in, not the browser's.
    if (isThemeChoice(result.user.preferences.theme)) useUi.getState().setThemeChoice(result.user.preferences.theme);
    void navigate("/");
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      if (signup) {
        finish(await unwrap(api.POST("/api/auth/register", { body: { email, password } })));
        return;
      }
      const result: unknown = await unwrap(api.POST("/api/auth/login", { body: { email, password } }));
      if (isTwoFactorChallenge(result)) {
        setChallenge({ token: result.challengeToken, expiresAt: Date.now() + result.expiresIn * 1000 });
        setPassword("");
      } else {
        finish(result as SignedIn);
      }
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, "NETWORK", String(e)));
    } finally {
      setBusy(false);
    }
  }

  /** Back to the password form: by choice (Back), or because the step expired (with why). */
  function back(message: string | null) {
    setChallenge(null);
    setError(null);
    setNotice(message);
  }

  if (challenge) {
    return (
      <main className="auth">
        <TwoFactorStep challenge={challenge} onSignedIn={finish} onBack={back} />
      </main>
    );
  }

  return (
    <main className="auth">
      <form className="card auth-card" onSubmit={(e) => void submit(e)} noValidate>
        <h1>{signup ? "Create your account" : "Sign in to Cryptomon"}</h1>
        {notice ? (
          <p className="auth-notice" role="status">
            {notice}
          </p>
        ) : null}
        <Field label="Email" htmlFor="email" error={errors.of("email")}>
          <input id="email" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </Field>
        <Field label="Password" htmlFor="password" error={errors.of("password")} hint={signup ? "At least 8 characters" : undefined}>
          <input
            id="password"
            type="password"
            autoComplete={signup ? "new-password" : "current-password"}
            required
            minLength={signup ? 8 : 1}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </Field>
        {errors.general ? (
          <p className="form-error" role="alert">
            {errors.general}
          </p>
        ) : null}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? "…" : signup ? "Sign up" : "Sign in"}
        </button>
        <p className="muted">
          {signup ? (
            <>
              Have an account? <Link to="/signin">Sign in</Link>
            </>
          ) : (
            <>
              New here? <Link to="/signup">Create an account</Link>
            </>
          )}
        </p>
      </form>
    </main>
  );
}
