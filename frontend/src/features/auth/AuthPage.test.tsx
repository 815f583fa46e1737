import { fireEvent, screen } from "@testing-library/react";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import { useAuth } from "@/stores/auth";
import { apiError, mockApi } from "@/test/utils";
import AuthPage from "./AuthPage";
import { EXPIRED_MESSAGE } from "./TwoFactorStep";

const user = {
  id: 7,
  email: "alice@example.com",
  displayName: null,
  role: "user",
  preferences: { channels: {}, interests: [], riskProfile: null, watchlist: [], theme: "system", timezone: "UTC", digest: { enabled: false, hour: 7, channels: [] }, learningLevel: null },
  createdAt: "2026-01-01T00:00:00Z",
  twoFactorEnabled: true,
  twoFactorRequired: false,
};
const signedIn = { user, tokens: { accessToken: "acc", refreshToken: "ref", tokenType: "bearer", expiresIn: 900 } };
const challenge = { twoFactorRequired: true, challengeToken: "challenge-1", expiresIn: 300 };

function renderSignIn() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <MemoryRouter initialEntries={["/signin"]}>
        <Routes>
          <Route path="/signin" element={<AuthPage mode="signin" />} />
          <Route path="/" element={<p>home</p>} />
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

async function passwordStep() {
  fireEvent.change(screen.getByLabelText("Email"), { target: { value: "alice@example.com" } });
  fireEvent.change(screen.getByLabelText("Password"), { target: { value: "secret-password" } });
  fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
  return screen.findByRole("heading", { name: "Two-factor code" });
}

describe("Sign-in with two-factor sign-in on", () => {
  beforeEach(() => {
    useAuth.setState({ tokens: null, user: null });
  });

  it("signs in without a second step when the account has none", async () => {
    mockApi({ "POST /api/auth/login": { body: signedIn } });
    renderSignIn();
    fireEvent.change(screen.getByLabelText("Email"), { target: { value: "alice@example.com" } });
    fireEvent.change(screen.getByLabelText("Password"), { target: { value: "secret-password" } });
    fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByText("home")).toBeInTheDocument();
    expect(useAuth.getState().tokens?.accessToken).toBe("acc");
  });

  it("asks for the code after the password, then signs in", async () => {
    const calls = mockApi({ "POST /api/auth/login": { body: challenge }, "POST /api/auth/login/2fa": { body: signedIn } });
    renderSignIn();
    await passwordStep();
    expect(useAuth.getState().tokens).toBeNull();
    const code = screen.getByLabelText("Two-factor code");
    expect(code).toHaveAttribute("autocomplete", "one-time-code");
    expect(code).toHaveAttribute("inputmode", "numeric");
    expect(code).toHaveFocus();
    fireEvent.change(code, { target: { value: "123456" } });
    fireEvent.click(screen.getByRole("button", { name: "Verify and sign in" }));
    expect(await screen.findByText("home")).toBeInTheDocument();
    expect(calls.find((c) => c.route === "POST /api/auth/login/2fa")?.body).toEqual({ challengeToken: "challenge-1", code: "123456" });
    expect(useAuth.getState().user?.email).toBe("alice@example.com");
  });

  it("says a wrong code under the field and lets the user try a recovery code instead", async () => {
    let tries = 0;
    const calls = mockApi({
      "POST /api/auth/login": { body: challenge },
      "POST /api/auth/login/2fa": () => (++tries === 1 ? apiError(401, "INVALID_TWO_FACTOR_CODE", "That code was already used: wait for the next one", "code") : { body: signedIn }),
    });
    renderSignIn();
    await passwordStep();
    fireEvent.change(screen.getByLabelText("Two-factor code"), { target: { value: "111111" } });
    fireEvent.click(screen.getByRole("button", { name: "Verify and sign in" }));
    expect(await screen.findByText("That code was already used: wait for the next one")).toHaveAttribute("id", "two-factor-code-error");
    expect(screen.getByLabelText("Two-factor code")).toHaveAttribute("aria-invalid", "true");

    fireEvent.click(screen.getByRole("button", { name: "Use a recovery code instead" }));
    const recovery = screen.getByLabelText("Recovery code");
    expect(recovery).toHaveFocus();
    fireEvent.change(recovery, { target: { value: "Abcde-Fghij" } });
    fireEvent.click(screen.getByRole("button", { name: "Verify and sign in" }));
    expect(await screen.findByText("home")).toBeInTheDocument();
    expect(calls.filter((c) => c.route === "POST /api/auth/login/2fa")[1]?.body).toEqual({ challengeToken: "challenge-1", recoveryCode: "abcde-fghij" });
  });

  it("goes back to the password form, with why, when the step expired", async () => {
    mockApi({ "POST /api/auth/login": { body: challenge }, "POST /api/auth/login/2fa": apiError(401, "TOKEN_EXPIRED", "Token has expired") });
    renderSignIn();
    await passwordStep();
    fireEvent.change(screen.getByLabelText("Two-factor code"), { target: { value: "123456" } });
    fireEvent.click(screen.getByRole("button", { name: "Verify and sign in" }));
    expect(await screen.findByRole("heading", { name: "Sign in to Cryptomon" })).toBeInTheDocument();
    expect(screen.getByRole("status")).toHaveTextContent(EXPIRED_MESSAGE);
    expect(screen.getByLabelText("Email")).toHaveValue("alice@example.com");
    expect(screen.getByLabelText("Password")).toHaveValue("");
    expect(useAuth.getState().tokens).toBeNull();
  });

  it("says when to try again after too many codes, and Back returns to the password", async () => {
    mockApi({
      "POST /api/auth/login": { body: challenge },
      "POST /api/auth/login/2fa": apiError(429, "RATE_LIMITED", "Too many wrong two-factor codes for this account: try again in 300 s"),
    });
    renderSignIn();
    await passwordStep();
    fireEvent.change(screen.getByLabelText("Two-factor code"), { target: { value: "123456" } });
    fireEvent.click(screen.getByRole("button", { name: "Verify and sign in" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("try again in 300 s");
    fireEvent.click(screen.getByRole("button", { name: "Back" }));
    expect(await screen.findByRole("heading", { name: "Sign in to Cryptomon" })).toBeInTheDocument();
    expect(screen.queryByRole("status")).not.toBeInTheDocument();
  });
});
