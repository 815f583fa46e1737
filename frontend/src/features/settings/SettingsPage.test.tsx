import { fireEvent, screen, waitFor } from "@testing-library/react";
import { useAuth } from "@/stores/auth";
import { useUi } from "@/stores/ui";
import { apiError, mockApi, renderWithProviders } from "@/test/utils";
import SettingsPage from "./SettingsPage";

const channels = { email: null, phone: null, discordWebhook: null, telegramChatId: "123456", webhookUrl: "https://hooks.example.com/x", webhookSecret: "…WXYZ" };
const me = (patch: object = {}) => ({
  id: 7,
  email: "alice@example.com",
  displayName: "Alice",
  role: "user",
  preferences: { channels, interests: [], riskProfile: null, watchlist: [], theme: "system", timezone: "UTC", digest: { enabled: false, hour: 7, channels: ["EMAIL", "IN_APP"] }, learningLevel: null },
  createdAt: "2026-11-24T08:00:00Z",
  ...patch,
});

// The whole Settings page renders: slow on a busy machine.
describe("SettingsPage", { timeout: 20_000 }, () => {
  beforeEach(() => {
    useAuth.setState({ tokens: { accessToken: "a", refreshToken: "r" }, user: { id: 7, email: "alice@example.com", role: "user" } });
    useUi.setState({ toasts: [], theme: "light" });
  });

  it("loads the channels, masks the secret, and checks a phone number before saving", async () => {
    const calls = mockApi({ "GET /api/users/me": { body: me() } });
    renderWithProviders(<SettingsPage />);
    expect(await screen.findByRole("textbox", { name: "Telegram chat" })).toHaveValue("123456");
    expect(screen.getByLabelText("Webhook secret", { exact: true })).toHaveValue("");
    expect(screen.getByText("Saved: …WXYZ — type a new one to replace it")).toBeInTheDocument();

    fireEvent.change(screen.getByRole("textbox", { name: "Phone (SMS)" }), { target: { value: "555 1234" } });
    fireEvent.click(screen.getByRole("button", { name: "Save channels" }));
    expect(await screen.findByText("Use E.164: + then 7 to 15 digits, e.g. +14155550100")).toBeInTheDocument();
    expect(screen.getByRole("textbox", { name: "Phone (SMS)" })).toHaveAttribute("aria-invalid", "true");
    expect(calls.some((c) => c.route.startsWith("PATCH"))).toBe(false);
  });

  it("says a saved secret is shown masked, and refuses an edit of the mask", async () => {
    const masked = { ...channels, discordWebhook: "https://discord.com/…abcd" };
    const calls = mockApi({ "GET /api/users/me": { body: me({ preferences: { ...me().preferences, channels: masked } }) } });
    renderWithProviders(<SettingsPage />);
    const discord = await screen.findByRole("textbox", { name: "Discord webhook" });
    expect(discord).toHaveValue("https://discord.com/…abcd");
    expect(screen.getByText(/Saved encrypted and shown masked: type a new value to replace it/)).toBeInTheDocument();
    fireEvent.change(discord, { target: { value: "https://discord.com/…abcde" } });
    fireEvent.click(screen.getByRole("button", { name: "Save channels" }));
    expect(await screen.findByText("Type the whole new value: the saved one is shown masked")).toBeInTheDocument();
    expect(calls.some((c) => c.route.startsWith("PATCH"))).toBe(false);
  });

  it("sends only what changed (empty clears) and shows the API's field error by its field", async () => {
    const calls = mockApi({
      "GET /api/users/me": { body: me() },
      "PATCH /api/users/me": {
        status: 422,
        body: {
          status: "error",
          code: "VALIDATION_ERROR",
          message: "preferences.channels.phone: String should match pattern (and 0 more)",
          field: "preferences.channels.phone",
          details: [{ field: "preferences.channels.phone", message: "String should match pattern '^\\+[1-9]\\d{6,14}$'" }],
        },
      },
    });
    renderWithProviders(<SettingsPage />);
    fireEvent.change(await screen.findByRole("textbox", { name: "Phone (SMS)" }), { target: { value: "+14155550100" } });
    fireEvent.change(screen.getByRole("textbox", { name: "Telegram chat" }), { target: { value: "" } });
    fireEvent.click(screen.getByRole("button", { name: "Save channels" }));

    expect(await screen.findByText("String should match pattern '^\\+[1-9]\\d{6,14}$'")).toHaveAttribute("id", "channel-phone-error");
    expect(calls.find((c) => c.route === "PATCH /api/users/me")?.body).toEqual({
      preferences: { channels: { phone: "+14155550100", telegramChatId: null } },
    });
    expect(useUi.getState().toasts).toEqual([]); // shown by the field, not toasted
  });

  it("queues a test message, or shows why a channel cannot be tested", async () => {
    mockApi({
      "GET /api/users/me": { body: me() },
      "POST /api/notifications/test": ({ body }) =>
        (body as { channel: string }).channel === "EMAIL"
          ? apiError(422, "VALIDATION_ERROR", "EMAIL is not set up: add it to your preferences", "channel")
          : { status: 202, body: { id: 5, channel: "WEBHOOK", status: "PENDING", latencyMs: null, lastError: null } },
      "GET /api/notifications": {
        body: { total: 1, notifications: [{ id: 5, channel: "WEBHOOK", status: "DELIVERED", latencyMs: 41.2, lastError: null }] },
      },
    });
    renderWithProviders(<SettingsPage />);
    fireEvent.click(await screen.findByRole("button", { name: "Send test to Email" }));
    expect(await screen.findByText("EMAIL is not set up: add it to your preferences")).toBeInTheDocument();

    fireEvent.click(screen.getByRole("button", { name: "Send test to Webhook URL" }));
    expect(await screen.findByText("in 41 ms")).toBeInTheDocument();
    expect(screen.getByText("delivered")).toHaveClass("pill-DELIVERED");
  });

  it("saves the display name and switches the theme", async () => {
    const calls = mockApi({
      "GET /api/users/me": { body: me() },
      "PATCH /api/users/me": ({ body }) => ({ body: me(body as object) }),
    });
    renderWithProviders(<SettingsPage />);
    const name = await screen.findByLabelText("Display name");
    expect(name).toHaveValue("Alice");
    fireEvent.change(name, { target: { value: "  Alice B " } });
    fireEvent.click(screen.getByRole("button", { name: "Save profile" }));
    await waitFor(() => expect(useAuth.getState().user?.displayName).toBe("Alice B"));
    expect(calls.find((c) => c.route === "PATCH /api/users/me")?.body).toEqual({ displayName: "Alice B" });

    fireEvent.click(screen.getByRole("radio", { name: "Dark" }));
    expect(useUi.getState().theme).toBe("dark");
  });
});
