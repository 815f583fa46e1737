import { fireEvent, screen } from "@testing-library/react";
import { useAuth } from "@/stores/auth";
import { useUi } from "@/stores/ui";
import { apiError, mockApi, renderWithProviders } from "@/test/utils";
import SettingsPage from "./SettingsPage";

const me = {
  id: 7,
  email: "alice@example.com",
  displayName: "Alice",
  role: "user",
  preferences: { channels: {}, interests: [], riskProfile: null, watchlist: [], theme: "system", timezone: "UTC", digest: { enabled: false, hour: 7, channels: ["EMAIL", "IN_APP"] }, learningLevel: null },
  createdAt: "2026-11-24T08:00:00Z",
};

// The Security tab of the Settings page renders (its card is there): slow on a busy machine.
describe("Sign out everywhere", { timeout: 20_000 }, () => {
  beforeEach(() => {
    useAuth.setState({ tokens: { accessToken: "a", refreshToken: "r" }, user: { id: 7, email: "alice@example.com", role: "user" } });
    useUi.setState({ toasts: [] });
  });

  it("asks, then ends every session with logout-all and leaves for the sign-in page", async () => {
    const calls = mockApi({ "GET /api/users/me": { body: me }, "POST /api/auth/logout-all": { body: { signedOut: true } } });
    renderWithProviders(<SettingsPage />, { path: "/settings/security", route: "/settings/*" });
    fireEvent.click(await screen.findByRole("button", { name: "Sign out everywhere" }));
    expect(calls.some((c) => c.route.startsWith("POST"))).toBe(false);
    fireEvent.click(screen.getByRole("button", { name: "Confirm: sign out everywhere" }));
    expect(await screen.findByText("elsewhere")).toBeInTheDocument();
    expect(calls.map((c) => c.route)).toContain("POST /api/auth/logout-all");
    expect(calls.some((c) => c.route === "POST /api/auth/logout")).toBe(false);
    expect(useAuth.getState().tokens).toBeNull();
  });

  it("stays signed in and says why when the request fails", async () => {
    mockApi({ "GET /api/users/me": { body: me }, "POST /api/auth/logout-all": apiError(500, "INTERNAL_ERROR", "Boom") });
    renderWithProviders(<SettingsPage />, { path: "/settings/security", route: "/settings/*" });
    fireEvent.click(await screen.findByRole("button", { name: "Sign out everywhere" }));
    fireEvent.click(screen.getByRole("button", { name: "Confirm: sign out everywhere" }));
    expect(await screen.findByRole("button", { name: "Sign out everywhere" })).toBeEnabled();
    expect(useAuth.getState().tokens).not.toBeNull();
    expect(useUi.getState().toasts[0]).toMatchObject({ kind: "error", title: "Could not sign out everywhere" });
  });
});
