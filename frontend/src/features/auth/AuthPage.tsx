import { useState, type FormEvent } from "react";
import { Link, useNavigate } from "react-router-dom";
import { api, unwrap } from "@/api/client";
import { ApiError } from "@/api/errors";
import { Field } from "@/components/ui";
import { useDocumentTitle } from "@/lib/useDocumentTitle";
import { useFormErrors } from "@/lib/useFormErrors";
import { isThemeChoice } from "@/lib/theme";
import { useAuth } from "@/stores/auth";
import { useUi } from "@/stores/ui";

/** Sign in and sign up: one form, two modes. */
export default function AuthPage({ mode }: { mode: "signin" | "signup" }) {
  const navigate = useNavigate();
  const signIn = useAuth((s) => s.signIn);
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const signup = mode === "signup";
  const errors = useFormErrors(["email", "password"], error);
  useDocumentTitle(signup ? "Create your account" : "Sign in");

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const result = signup
        ? await unwrap(api.POST("/api/auth/register", { body: { email, password } }))
        : await unwrap(api.POST("/api/auth/login", { body: { email, password } }));
      signIn(result.tokens, result.user);
      // The account's saved theme from the first paint after signing in, not the browser's.
      if (isThemeChoice(result.user.preferences.theme)) useUi.getState().setThemeChoice(result.user.preferences.theme);
      void navigate("/");
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, "NETWORK", String(e)));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="auth">
      <form className="card auth-card" onSubmit={(e) => void submit(e)} noValidate>
        <h1>{signup ? "Create your account" : "Sign in to Cryptomon"}</h1>
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
