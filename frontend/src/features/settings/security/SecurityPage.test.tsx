import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { useAuth } from "@/stores/auth";
import { apiError, mockApi, renderWithProviders } from "@/test/utils";
import SettingsPage from "../SettingsPage";

const me = (role: string, patch: object = {}) => ({
  id: 7,
  email: "alice@example.com",
  displayName: "Alice",
  role,
  preferences: { channels: {}, interests: [], riskProfile: null, watchlist: [], theme: "system", timezone: "UTC", digest: { enabled: false, hour: 7, channels: ["EMAIL", "IN_APP"] }, learningLevel: null },
  createdAt: "2026-11-24T08:00:00Z",
  twoFactorEnabled: false,
  twoFactorRequired: false,
  ...patch,
});
const security = {
  "GET /api/users/me/2fa": { body: { enabled: false, enabledAt: null, recoveryCodesLeft: 0, required: false } },
  "GET /api/users/me/sessions": { body: [] },
  "GET /api/users/me/api-keys": { body: [] },
  "GET /api/users/me/api-keys/scopes": { body: [] },
  "GET /api/users/me/audit": { body: { events: [], nextBefore: null } },
};

// The Settings page with its tabs: slow on a busy machine.
describe("Settings → Security", { timeout: 20_000 }, () => {
  beforeEach(() => {
    useAuth.setState({ tokens: { accessToken: "a", refreshToken: "r" }, user: { id: 7, email: "alice@example.com", role: "user" } });
  });

  it("is a tab of Settings, with every card's empty state", async () => {
    mockApi({ "GET /api/users/me": { body: me("user") }, ...security });
    renderWithProviders(<SettingsPage />, { path: "/settings", route: "/settings/*" });
    const tabs = screen.getByRole("navigation", { name: "Settings sections" });
    expect(within(tabs).getByRole("link", { name: "General" })).toHaveClass("active");
    expect(await screen.findByRole("heading", { name: "Profile" })).toBeInTheDocument();
    expect(screen.queryByRole("heading", { name: "Sessions" })).not.toBeInTheDocument();

    fireEvent.click(within(tabs).getByRole("link", { name: "Security" }));
    expect(await screen.findByRole("heading", { name: "Two-factor sign-in" })).toBeInTheDocument();
    expect(within(tabs).getByRole("link", { name: "Security" })).toHaveClass("active");
    expect(document.title).toBe("Security · Settings · Cryptomon");
    expect(await screen.findByText("No live sessions")).toBeInTheDocument();
    expect(await screen.findByText("No API keys yet")).toBeInTheDocument();
    expect(await screen.findByText("No security events yet")).toBeInTheDocument();
    expect(screen.queryByRole("heading", { name: "Staff sign-in policy" })).not.toBeInTheDocument();
  });

  it("gives administrators the staff two-factor switch, once their own is on", async () => {
    const calls = mockApi({
      "GET /api/users/me": { body: me("admin") },
      ...security,
      "GET /api/users/me/2fa": { body: { enabled: true, enabledAt: "2026-05-01T00:00:00Z", recoveryCodesLeft: 10, required: false } },
      "GET /api/admin/security-policy": { body: { requireTwoFactorForStaff: false, updatedAt: null, updatedBy: null } },
      "PUT /api/admin/security-policy": apiError(403, "TWO_FACTOR_REQUIRED", "Turn on two-factor sign-in for your own account first", "requireTwoFactorForStaff"),
    });
    renderWithProviders(<SettingsPage />, { path: "/settings/security", route: "/settings/*" });
    const toggle = await screen.findByRole("switch", { name: "Require two-factor sign-in for moderators and admins" });
    expect(toggle).not.toBeChecked();
    await waitFor(() => expect(toggle).toBeEnabled());
    fireEvent.click(toggle);
    expect(await screen.findByText("Turn on two-factor sign-in for your own account first")).toBeInTheDocument();
    expect(calls.find((c) => c.route === "PUT /api/admin/security-policy")?.body).toEqual({ requireTwoFactorForStaff: true });
    expect(toggle).not.toBeChecked();
  });

  it("waits for the admin's own two-factor sign-in before the switch can be turned on", async () => {
    mockApi({
      "GET /api/users/me": { body: me("admin") },
      ...security,
      "GET /api/admin/security-policy": { body: { requireTwoFactorForStaff: false, updatedAt: null, updatedBy: null } },
    });
    renderWithProviders(<SettingsPage />, { path: "/settings/security", route: "/settings/*" });
    const toggle = await screen.findByRole("switch", { name: "Require two-factor sign-in for moderators and admins" });
    await waitFor(() => expect(toggle).toBeDisabled());
    expect(screen.getByText(/Turn on two-factor sign-in for your own account first/)).toBeInTheDocument();
  });
});
