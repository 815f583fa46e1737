import { fireEvent, screen, within } from "@testing-library/react";
import { ME_KEY } from "@/api/me";
import { useAuth } from "@/stores/auth";
import { apiError, mockApi, renderWithProviders } from "@/test/utils";
import type { ApiKey } from "@/api/security";
import { ApiKeysCard } from "./ApiKeysCard";

const scopes = [
  { scope: "market:read", title: "Read market data", description: "Prices, candles, indicators.", adminOnly: false },
  { scope: "ingest", title: "Push market data", description: "Push ticks and candles.", adminOnly: true },
  { scope: "account:read", title: "Read my data", description: "Your portfolios, alerts, reports.", adminOnly: false },
];
const me = (role: string) => ({ id: 7, email: "alice@example.com", displayName: null, role, preferences: {}, createdAt: "2026-01-01T00:00:00Z" });
const old: ApiKey = { id: 1, name: "old script", prefix: "a1b2c3d4e5f6", scopes: ["market:read"], createdAt: "2026-01-01T00:00:00Z", lastUsedAt: null, revokedAt: "2026-02-01T00:00:00Z", expiresAt: null };

describe("ApiKeysCard", () => {
  beforeEach(() => {
    useAuth.setState({ tokens: { accessToken: "a", refreshToken: "r" }, user: { id: 7, email: "alice@example.com", role: "user" } });
  });

  it("creates a key: the secret is shown once, then only its prefix in the list", async () => {
    const created: ApiKey = { ...old, id: 2, name: "Portfolio export", prefix: "ffeeddccbbaa", scopes: ["account:read"], revokedAt: null, createdAt: new Date().toISOString() };
    let keys = [old];
    const calls = mockApi({
      "GET /api/users/me": { body: me("user") },
      "GET /api/users/me/api-keys/scopes": { body: scopes },
      "GET /api/users/me/api-keys": () => ({ body: keys }),
      "POST /api/users/me/api-keys": () => {
        keys = [old, created];
        return { status: 201, body: { ...created, key: "cmk_ffeeddccbbaa_s3cr3t" } };
      },
    });
    renderWithProviders(<ApiKeysCard />);
    // A member is not offered the administrators' scope.
    expect(await screen.findByRole("checkbox", { name: /Read my data/ })).toBeInTheDocument();
    expect(screen.queryByRole("checkbox", { name: /Push market data/ })).not.toBeInTheDocument();
    expect(await screen.findByRole("table", { name: "API keys" })).toHaveTextContent("Revoked");

    fireEvent.change(screen.getByLabelText("Name"), { target: { value: "Portfolio export" } });
    fireEvent.click(screen.getByRole("checkbox", { name: /Read my data/ }));
    fireEvent.change(screen.getByLabelText("Expires"), { target: { value: "30" } });
    fireEvent.click(screen.getByRole("button", { name: "Create key" }));

    const shown = await screen.findByTestId("new-api-key");
    expect(within(shown).getByTestId("api-key-secret")).toHaveTextContent("cmk_ffeeddccbbaa_s3cr3t");
    expect(within(shown).getByText(/only time it is shown/)).toBeInTheDocument();
    const body = calls.find((c) => c.route === "POST /api/users/me/api-keys")?.body as { name: string; scopes: string[]; expiresAt: string };
    expect(body).toMatchObject({ name: "Portfolio export", scopes: ["account:read"] });
    const days = (Date.parse(body.expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThan(30.1);

    const table = await screen.findByRole("table", { name: "API keys" });
    expect(await within(table).findByText("Portfolio export")).toBeInTheDocument();
    fireEvent.click(within(shown).getByRole("button", { name: "Done, I have copied it" }));
    expect(screen.queryByText("cmk_ffeeddccbbaa_s3cr3t")).not.toBeInTheDocument();
    expect(screen.getByLabelText("Name")).toHaveValue("");
  });

  it("shows the API's field errors under their fields, and checks the form first", async () => {
    const calls = mockApi({
      "GET /api/users/me": { body: me("admin") },
      "GET /api/users/me/api-keys/scopes": { body: scopes },
      "GET /api/users/me/api-keys": { body: [] },
      "POST /api/users/me/api-keys": apiError(422, "VALIDATION_ERROR", "expiresAt: at most 365 days ahead", "expiresAt"),
    });
    renderWithProviders(<ApiKeysCard />);
    expect(await screen.findByText("No API keys yet")).toBeInTheDocument();
    expect(await screen.findByRole("checkbox", { name: /Push market data/ })).toBeInTheDocument(); // an admin's

    fireEvent.click(screen.getByRole("button", { name: "Create key" }));
    expect(await screen.findByText("Give the key a name, to tell it apart later.")).toBeInTheDocument();
    expect(screen.getByText("Pick at least one scope.")).toBeInTheDocument();
    expect(calls.some((c) => c.route === "POST /api/users/me/api-keys")).toBe(false);

    fireEvent.change(screen.getByLabelText("Name"), { target: { value: "Ticks" } });
    fireEvent.click(screen.getByRole("checkbox", { name: /Push market data/ }));
    fireEvent.change(screen.getByLabelText("Expires"), { target: { value: "365" } });
    fireEvent.click(screen.getByRole("button", { name: "Create key" }));
    expect(await screen.findByText("at most 365 days ahead")).toHaveAttribute("id", "api-key-expiry-error");
    expect(screen.queryByTestId("new-api-key")).not.toBeInTheDocument();
  });

  it("shows a refused scope under the scopes", async () => {
    mockApi({
      "GET /api/users/me": { body: me("user") },
      "GET /api/users/me/api-keys/scopes": { body: scopes },
      "GET /api/users/me/api-keys": { body: [] },
      "POST /api/users/me/api-keys": apiError(403, "FORBIDDEN", "Only administrators may create keys with the ingest scope", "scopes"),
    });
    renderWithProviders(<ApiKeysCard />);
    fireEvent.change(await screen.findByLabelText("Name"), { target: { value: "x" } });
    fireEvent.click(await screen.findByRole("checkbox", { name: /Read market data/ }));
    fireEvent.click(screen.getByRole("button", { name: "Create key" }));
    expect(await screen.findByText("Only administrators may create keys with the ingest scope")).toHaveAttribute("id", "api-key-scopes-error");
  });

  it("revokes a key after a confirm", async () => {
    const live: ApiKey = { ...old, id: 3, name: "deploy", revokedAt: null, lastUsedAt: new Date(Date.now() - 7_200_000).toISOString() };
    let keys = [live];
    const calls = mockApi({
      "GET /api/users/me": { body: me("user") },
      "GET /api/users/me/api-keys/scopes": { body: scopes },
      "GET /api/users/me/api-keys": () => ({ body: keys }),
      "DELETE /api/users/me/api-keys/3": () => {
        keys = [{ ...live, revokedAt: new Date().toISOString() }];
        return { body: keys[0] };
      },
    });
    const { client } = renderWithProviders(<ApiKeysCard />);
    client.setQueryData(ME_KEY, me("user"));
    const table = await screen.findByRole("table", { name: "API keys" });
    expect(await within(table).findByText("2 hours ago")).toBeInTheDocument();
    expect(within(table).getByText("Active")).toBeInTheDocument();
    fireEvent.click(within(table).getByRole("button", { name: "Revoke API key deploy" }));
    expect(calls.some((c) => c.method === "DELETE")).toBe(false);
    fireEvent.click(within(table).getByRole("button", { name: "Confirm: revoke API key deploy" }));
    expect(await within(table).findByText("Revoked")).toBeInTheDocument();
    expect(within(table).queryByRole("button", { name: /Revoke/ })).not.toBeInTheDocument();
  });
});
