import { screen, within } from "@testing-library/react";
import { useAuth } from "@/stores/auth";
import { ok, renderWithProviders, serve } from "@/test/utils";
import AlertsPage from "./AlertsPage";

beforeEach(() => {
  useAuth.setState({ tokens: { accessToken: "a", refreshToken: "r" }, user: { id: 7, email: "u@example.com", role: "user" } });
});

const TRIGGER = {
  triggerId: "t1",
  alertId: 5,
  symbol: "BTC-USD",
  condition: "PRICE_ABOVE",
  price: 151000,
  threshold: 150000,
  direction: "UP",
  tickAt: "2026-11-24T08:00:00Z",
  source: "webhook",
  firedAt: "2026-11-24T08:00:00.120Z",
  channels: [
    { channel: "IN_APP", status: "DELIVERED", attempts: 1, latencyMs: 12.4, lastError: null },
    { channel: "DISCORD", status: "FAILED", attempts: 8, latencyMs: null, lastError: "not a public address" },
  ],
};

describe("AlertHistory", () => {
  it("lists each trigger with its price, tick, source and per-channel deliveries", async () => {
    const { calls } = serve({
      "GET /api/alerts/7": () => ok({ alerts: [], total: 0, active: 0 }),
      "GET /api/alerts/7/history": () => ok({ triggers: [TRIGGER], count: 1 }),
    });
    renderWithProviders(<AlertsPage />, { path: "/alerts/history?alertId=5", route: "/alerts/*" });
    const row = within((await screen.findAllByTestId("history-row"))[0]!);
    expect(row.getByText("webhook")).toBeInTheDocument();
    expect(row.getByText("↑ UP")).toBeInTheDocument();
    expect(row.getByTestId("delivery-IN_APP")).toHaveTextContent("IN_APP DELIVERED");
    expect(row.getByTestId("delivery-IN_APP")).toHaveClass("pill-DELIVERED");
    expect(row.getByText("12 ms")).toBeInTheDocument();
    expect(row.getByTestId("delivery-DISCORD")).toHaveClass("pill-FAILED");
    expect(row.getByText("not a public address")).toBeInTheDocument();
    const call = calls.find((c) => c.url.pathname.endsWith("/history"));
    expect(call?.url.searchParams.get("alertId")).toBe("5");
  });

  it("has an empty state", async () => {
    serve({
      "GET /api/alerts/7": () => ok({ alerts: [], total: 0, active: 0 }),
      "GET /api/alerts/7/history": () => ok({ triggers: [], count: 0 }),
    });
    renderWithProviders(<AlertsPage />, { path: "/alerts/history", route: "/alerts/*" });
    expect(await screen.findByText("Nothing has fired yet")).toBeInTheDocument();
  });
});
