import { configure, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { useAuth } from "@/stores/auth";
import { useUi } from "@/stores/ui";
import { apiError, mockApi, renderWithProviders, symbols } from "@/test/utils";
import SettingsPage from "./SettingsPage";
import { useApplySavedTheme } from "./useTheme";

const preferences = { channels: {}, interests: ["DEFI", "memecoins"], riskProfile: "MEDIUM", watchlist: ["ETH-USD", "BTC-USD"], theme: "system", timezone: "UTC", digest: { enabled: false, hour: 7, channels: ["EMAIL", "IN_APP"] }, learningLevel: null };
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

describe("Settings: risk profile, interests, watchlist, time zone and theme", { timeout: 30_000 }, () => {
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

  it("shows the saved time zone and saves one picked from this browser's zones, UTC first", async () => {
    const calls = api();
    renderWithProviders(<SettingsPage />);
    const field = await screen.findByRole("combobox", { name: "Time zone" });
    expect(field).toHaveValue("UTC");
    expect(field).toHaveAccessibleDescription(/Scheduled reports run at their hour in this time zone/);
    expect(screen.getByText("Saved: UTC")).toBeInTheDocument();
    const offered = [...document.querySelectorAll<HTMLOptionElement>("#timezone-options option")].map((o) => o.value);
    expect(offered[0]).toBe("UTC");
    expect(offered).toContain("Europe/Berlin");
    expect(offered.filter((z) => z === "UTC")).toHaveLength(1);

    fireEvent.change(field, { target: { value: "Europe/Berlin" } });
    expect(screen.getByText("Unsaved changes")).toBeInTheDocument();
    fireEvent.click(screen.getByRole("button", { name: "Save time zone" }));
    expect(await screen.findByText("Saved: Europe/Berlin")).toBeInTheDocument();
    expect(screen.getByRole("combobox", { name: "Time zone" })).toHaveValue("Europe/Berlin");
    expect(patches(calls)).toEqual([{ preferences: { timezone: "Europe/Berlin" } }]);
    expect(useUi.getState().toasts.map((t) => t.title)).toContain("Time zone saved");
  });

  it("shows a saved zone this browser does not list, and sends a listed one typed in another case as listed", async () => {
    const calls = api({ "GET /api/users/me": { body: me({ timezone: "US/Eastern" }) } });
    renderWithProviders(<SettingsPage />);
    const field = await screen.findByRole("combobox", { name: "Time zone" });
    expect(field).toHaveValue("US/Eastern");
    expect(screen.getByText("Saved: US/Eastern")).toBeInTheDocument();
    expect(document.querySelector('#timezone-options option[value="US/Eastern"]')).not.toBeNull();
    fireEvent.change(field, { target: { value: " europe/berlin " } });
    fireEvent.click(screen.getByRole("button", { name: "Save time zone" }));
    await waitFor(() => expect(patches(calls)).toEqual([{ preferences: { timezone: "Europe/Berlin" } }]));
  });

  it("checks for an empty zone, and shows the API's 422 for an unknown one by the field, not as a toast", async () => {
    const message = "unknown time zone 'Mars/Olympus' (an IANA name such as Europe/Berlin)";
    const calls = api({
      "PATCH /api/users/me": apiError(422, "VALIDATION_ERROR", `preferences.timezone: ${message}`, "preferences.timezone", [
        { field: "preferences.timezone", message },
      ]),
    });
    renderWithProviders(<SettingsPage />);
    const field = await screen.findByRole("combobox", { name: "Time zone" });
    fireEvent.change(field, { target: { value: "  " } });
    fireEvent.click(screen.getByRole("button", { name: "Save time zone" }));
    expect(screen.getByText("Pick a time zone, e.g. Europe/Berlin")).toHaveAttribute("role", "alert");
    expect(patches(calls)).toEqual([]);

    fireEvent.change(field, { target: { value: "Mars/Olympus" } });
    expect(screen.queryByText("Pick a time zone, e.g. Europe/Berlin")).not.toBeInTheDocument();
    fireEvent.click(screen.getByRole("button", { name: "Save time zone" }));
    const error = await screen.findByText(message);
    expect(error).toHaveAttribute("id", "timezone-error");
    expect(error).toHaveAttribute("role", "alert");
    expect(field).toHaveAttribute("aria-invalid", "true");
    expect(field).toHaveAccessibleDescription(expect.stringContaining(message) as string);
    expect(patches(calls)).toEqual([{ preferences: { timezone: "Mars/Olympus" } }]);
    expect(useUi.getState().toasts).toEqual([]);

    fireEvent.change(field, { target: { value: "Mars/Olympu" } }); // editing clears the API's message
    expect(screen.queryByText(message)).not.toBeInTheDocument();
  });

  describe("in a browser whose own zone is Europe/Berlin", () => {
    beforeEach(() => {
      // Only what the page reads of it: the default format's zone.
      const options = new Intl.DateTimeFormat().resolvedOptions();
      vi.spyOn(Intl.DateTimeFormat.prototype, "resolvedOptions").mockReturnValue({ ...options, timeZone: "Europe/Berlin" });
    });
    afterEach(() => vi.restoreAllMocks());

    it("saves the browser's zone in one click, then no longer offers it", async () => {
      const calls = api();
      renderWithProviders(<SettingsPage />);
      fireEvent.click(await screen.findByRole("button", { name: "Use this browser's zone (Europe/Berlin)" }));
      expect(await screen.findByText("Saved: Europe/Berlin")).toBeInTheDocument();
      expect(screen.getByRole("combobox", { name: "Time zone" })).toHaveValue("Europe/Berlin");
      expect(patches(calls)).toEqual([{ preferences: { timezone: "Europe/Berlin" } }]);
      expect(screen.queryByRole("button", { name: /Use this browser's zone/ })).not.toBeInTheDocument();
    });

    it("does not offer it when it is the zone already saved", async () => {
      api({ "GET /api/users/me": { body: me({ timezone: "Europe/Berlin" }) } });
      renderWithProviders(<SettingsPage />);
      expect(await screen.findByRole("combobox", { name: "Time zone" })).toHaveValue("Europe/Berlin");
      expect(screen.queryByRole("button", { name: /Use this browser's zone/ })).not.toBeInTheDocument();
    });
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
