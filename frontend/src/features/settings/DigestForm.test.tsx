import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { useAuth } from "@/stores/auth";
import { useUi } from "@/stores/ui";
import { apiError, mockApi, renderWithProviders, symbols } from "@/test/utils";
import SettingsPage from "./SettingsPage";

const me = (prefs: object = {}) => ({
  id: 7,
  email: "alice@example.com",
  displayName: "Alice",
  role: "user",
  createdAt: "2026-11-24T08:00:00Z",
  preferences: {
    channels: {},
    interests: [],
    riskProfile: null,
    watchlist: [],
    theme: "system",
    timezone: "Europe/Berlin",
    digest: { enabled: false, hour: 7, channels: ["EMAIL", "IN_APP"] },
    learningLevel: null,
    ...prefs,
  },
});

function api(patch?: Parameters<typeof mockApi>[0][string]) {
  let stored = me();
  return mockApi({
    "GET /api/users/me": () => ({ body: stored }),
    "GET /api/market/symbols": { body: symbols },
    "PATCH /api/users/me":
      patch ??
      (({ body }) => {
        stored = me({ ...stored.preferences, ...(body as { preferences: object }).preferences });
        return { body: stored };
      }),
  });
}
const patches = (calls: ReturnType<typeof mockApi>) => calls.filter((c) => c.route === "PATCH /api/users/me").map((c) => c.body);

describe("Settings: the daily digest and the learning level", { timeout: 30_000 }, () => {
  beforeEach(() => {
    useAuth.setState({ tokens: { accessToken: "a", refreshToken: "r" }, user: { id: 7, email: "alice@example.com", role: "user" } });
    useUi.setState({ toasts: [] });
  });

  it("turns the digest on at an hour of the account's time zone, on the channels picked", async () => {
    const calls = api();
    renderWithProviders(<SettingsPage />);
    const form = await screen.findByRole("form", { name: "Daily digest" }, { timeout: 10_000 });
    expect(within(form).getByText("Saved: Off")).toBeInTheDocument();
    const hour = within(form).getByLabelText("Hour (Europe/Berlin)");
    expect(hour).toBeDisabled();
    fireEvent.click(within(form).getByRole("checkbox", { name: /Send me the daily digest/ }));
    fireEvent.change(hour, { target: { value: "18" } });
    fireEvent.click(within(form).getByRole("checkbox", { name: "Email" }));
    expect(within(form).getByText("Unsaved changes")).toBeInTheDocument();
    fireEvent.click(within(form).getByRole("button", { name: "Save daily digest" }));
    await waitFor(() => expect(patches(calls)).toEqual([{ preferences: { digest: { enabled: true, hour: 18, channels: ["IN_APP"] } } }]));
    // Saved: the card starts afresh from what the API stored.
    expect(await screen.findByText("Saved: Daily at 18:00 (Europe/Berlin) in the app")).toBeInTheDocument();
  });

  it("asks for a channel before saving a digest that would go nowhere, and shows the API's field error", async () => {
    const calls = api(apiError(422, "VALIDATION_ERROR", "Input should be less than or equal to 23", "preferences.digest.hour"));
    renderWithProviders(<SettingsPage />);
    const form = await screen.findByRole("form", { name: "Daily digest" }, { timeout: 10_000 });
    fireEvent.click(within(form).getByRole("checkbox", { name: /Send me the daily digest/ }));
    fireEvent.click(within(form).getByRole("checkbox", { name: "Email" }));
    fireEvent.click(within(form).getByRole("checkbox", { name: "In the app" }));
    fireEvent.click(within(form).getByRole("button", { name: "Save daily digest" }));
    expect(within(form).getByText("Pick where to send it")).toBeInTheDocument();
    expect(patches(calls)).toEqual([]);
    fireEvent.click(within(form).getByRole("checkbox", { name: "Email" }));
    fireEvent.click(within(form).getByRole("button", { name: "Save daily digest" }));
    expect(await within(form).findByText("Input should be less than or equal to 23")).toBeInTheDocument();
  });

  it("saves the learning level, or clears it", async () => {
    const calls = api();
    renderWithProviders(<SettingsPage />);
    const form = () => screen.getByRole("form", { name: "Learning level" });
    await screen.findByRole("form", { name: "Learning level" }, { timeout: 10_000 });
    fireEvent.change(within(form()).getByLabelText("Learning level"), { target: { value: "ADVANCED" } });
    fireEvent.click(within(form()).getByRole("button", { name: "Save learning level" }));
    expect(await screen.findByText("Saved: Advanced")).toBeInTheDocument();
    fireEvent.change(within(form()).getByLabelText("Learning level"), { target: { value: "" } });
    fireEvent.click(within(form()).getByRole("button", { name: "Save learning level" }));
    expect(await screen.findByText("Saved: Not set")).toBeInTheDocument();
    expect(patches(calls)).toEqual([{ preferences: { learningLevel: "ADVANCED" } }, { preferences: { learningLevel: null } }]);
  });
});
