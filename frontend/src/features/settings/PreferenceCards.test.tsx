import { configure, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { useAuth } from "@/stores/auth";
import { useUi } from "@/stores/ui";
import { apiError, mockApi, renderWithProviders, symbols } from "@/test/utils";
import SettingsPage from "./SettingsPage";
import { useApplySavedTheme } from "./useTheme";

const preferences = { channels: {}, interests: ["DEFI", "memecoins"], riskProfile: "MEDIUM", watchlist: ["ETH-USD", "BTC-USD"], theme: "system" };
const me = (prefs: object = {}) => ({
  id: 7,
  email: "alice@example.com",
  displayName: "Alice",
  role: "user",
  preferences: { ...preferences, ...prefs },
  createdAt: "2026-11-24T08:00:00Z",
});
const SOL = { ...symbols[0], symbol: "SOL-USD", name: "Solana" };

/** The fake API applies a preferences PATCH to the stored user, as the real one does. */
function api(routes: Parameters<typeof mockApi>[0] = {}) {
  let stored = me();
  return mockApi({
    "GET /api/users/me": () => ({ body: stored }),
    "GET /api/market/symbols": { body: [...symbols, SOL] },
    "PATCH /api/users/me": ({ body }) => {
      stored = me({ ...stored.preferences, ...(body as { preferences: object }).preferences });
      return { body: stored };
    },
    ...routes,
  });
}
const patches = (calls: ReturnType<typeof mockApi>) => calls.filter((c) => c.route === "PATCH /api/users/me").map((c) => c.body);

// Whole-page renders: slow on a busy machine, so tests and their waits get longer than the defaults.
configure({ asyncUtilTimeout: 10_000 });

describe("Settings: risk profile, interests, watchlist and theme", { timeout: 30_000 }, () => {
  beforeEach(() => {
    useAuth.setState({ tokens: { accessToken: "a", refreshToken: "r" }, user: { id: 7, email: "alice@example.com", role: "user" } });
    useUi.setState({ toasts: [], themeChoice: "light", theme: "light" });
  });

  it("prefills what is saved and says so", async () => {
    api();
    renderWithProviders(<SettingsPage />);
    expect(await screen.findByRole("radio", { name: /^Medium/ })).toBeChecked();
    expect(screen.getByText("Saved: Medium")).toBeInTheDocument();
    expect(screen.getByRole("checkbox", { name: "DeFi" })).toBeChecked();
    expect(screen.getByRole("checkbox", { name: "memecoins" })).toBeChecked(); // a tag of the user's own
    expect(screen.getByRole("checkbox", { name: "Bitcoin" })).not.toBeChecked();
    expect(screen.getByText("Saved: DeFi, memecoins")).toBeInTheDocument();
    const rows = within(await screen.findByTestId("watchlist-table")).getAllByRole("row").slice(1);
    expect(rows.map((r) => within(r).getByRole("rowheader").textContent)).toEqual(["ETH-USD", "BTC-USD"]);
    expect(screen.getByText("Saved: ETH-USD, BTC-USD")).toBeInTheDocument();
  });

  it("saves the risk profile, or clears it", async () => {
    const calls = api();
    renderWithProviders(<SettingsPage />);
    fireEvent.click(await screen.findByRole("radio", { name: /^High/ }));
    expect(screen.getByText("Unsaved changes")).toBeInTheDocument();
    fireEvent.click(screen.getByRole("button", { name: "Save risk profile" }));
    expect(await screen.findByText("Saved: High")).toBeInTheDocument();
    fireEvent.click(screen.getByRole("radio", { name: /^Not set/ }));
    fireEvent.click(screen.getByRole("button", { name: "Save risk profile" }));
    expect(await screen.findByText("Saved: Not set")).toBeInTheDocument();
    expect(patches(calls)).toEqual([{ preferences: { riskProfile: "HIGH" } }, { preferences: { riskProfile: null } }]);
    expect(useUi.getState().toasts.map((t) => t.title)).toContain("Risk profile saved");
  });

  it("saves interests in the order chosen, with a tag of one's own, and checks the tag first", async () => {
    const calls = api();
    renderWithProviders(<SettingsPage />);
    fireEvent.click(await screen.findByRole("checkbox", { name: "DeFi" }));
    fireEvent.click(screen.getByRole("checkbox", { name: "On-chain metrics" }));
    const tag = screen.getByLabelText("Another topic");
    fireEvent.change(tag, { target: { value: "x".repeat(41) } });
    fireEvent.click(screen.getByRole("button", { name: "Add topic" }));
    expect(screen.getByText("At most 40 characters")).toBeInTheDocument();
    fireEvent.change(tag, { target: { value: " Layer 2 " } });
    fireEvent.click(screen.getByRole("button", { name: "Add topic" }));
    expect(screen.getByRole("checkbox", { name: "Layer 2" })).toBeChecked();
    fireEvent.click(screen.getByRole("button", { name: "Save interests" }));
    expect(await screen.findByText("Saved: memecoins, On-chain metrics, Layer 2")).toBeInTheDocument();
    expect(patches(calls)).toEqual([{ preferences: { interests: ["memecoins", "ON_CHAIN", "Layer 2"] } }]);
  });

  it("adds, reorders and removes watchlist symbols, and saves them in that order", async () => {
    const calls = api();
    renderWithProviders(<SettingsPage />);
    const picker = await screen.findByLabelText("Watch");
    expect(within(picker).getAllByRole("option").map((o) => o.textContent)).toEqual(["SOL-USD — Solana"]); // not the watched ones
    fireEvent.click(screen.getByRole("button", { name: "Add" }));
    fireEvent.click(screen.getByRole("button", { name: "Move SOL-USD up" }));
    fireEvent.click(screen.getByRole("button", { name: "Remove ETH-USD" }));
    fireEvent.click(screen.getByRole("button", { name: "Save watchlist" }));
    expect(await screen.findByText("Saved: SOL-USD, BTC-USD")).toBeInTheDocument();
    expect(patches(calls)).toEqual([{ preferences: { watchlist: ["SOL-USD", "BTC-USD"] } }]);
  });

  it("shows an empty watchlist as such, and the API's field error by the list", async () => {
    api({
      "GET /api/users/me": { body: me({ watchlist: [] }) },
      "PATCH /api/users/me": apiError(422, "VALIDATION_ERROR", "preferences.watchlist.0: bad", "preferences.watchlist.0", [
        { field: "preferences.watchlist.0", message: "String should match pattern" },
      ]),
    });
    renderWithProviders(<SettingsPage />);
    expect(await screen.findByText("Your watchlist is empty")).toBeInTheDocument();
    expect(screen.getByText("Nothing saved yet")).toBeInTheDocument();
    fireEvent.click(await screen.findByRole("button", { name: "Add" }));
    fireEvent.click(screen.getByRole("button", { name: "Save watchlist" }));
    expect(await screen.findByText("String should match pattern")).toHaveAttribute("role", "alert");
    expect(useUi.getState().toasts).toEqual([]); // by the field, not toasted
  });

  it("saves the theme to the preferences and paints it at once", async () => {
    const calls = api();
    renderWithProviders(<SettingsPage />);
    fireEvent.click(await screen.findByRole("radio", { name: "Dark" }));
    expect(useUi.getState()).toMatchObject({ themeChoice: "dark", theme: "dark" });
    await waitFor(() => expect(patches(calls)).toEqual([{ preferences: { theme: "dark" } }]));
  });

  it("takes the theme back when saving it fails", async () => {
    api({ "PATCH /api/users/me": apiError(500, "INTERNAL_ERROR", "Boom") });
    renderWithProviders(<SettingsPage />);
    fireEvent.click(await screen.findByRole("radio", { name: "Dark" }));
    await waitFor(() => expect(useUi.getState().toasts[0]).toMatchObject({ kind: "error", title: "Could not save the theme" }));
    expect(screen.getByRole("radio", { name: "Light" })).toBeChecked(); // as before
    expect(useUi.getState().theme).toBe("light");
  });
});

function Shell() {
  useApplySavedTheme();
  return null;
}

describe("the saved theme", () => {
  it("is painted once the signed-in user is loaded, whatever this browser had", async () => {
    useUi.setState({ themeChoice: "light", theme: "light" });
    mockApi({ "GET /api/users/me": { body: me({ theme: "dark" }) } });
    renderWithProviders(<Shell />);
    await waitFor(() => expect(useUi.getState()).toMatchObject({ themeChoice: "dark", theme: "dark" }));
  });
});
