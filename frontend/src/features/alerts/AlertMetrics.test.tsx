import { screen, within } from "@testing-library/react";
import { useAuth } from "@/stores/auth";
import { ok, renderWithProviders, serve } from "@/test/utils";
import AlertsPage from "./AlertsPage";

beforeEach(() => {
  useAuth.setState({ tokens: { accessToken: "a", refreshToken: "r" }, user: { id: 7, email: "u@example.com", role: "user" } });
});

describe("AlertMetrics", () => {
  it("shows trigger counts, channel success and latency, and accuracy", async () => {
    serve({
      "GET /api/alerts/7/metrics": () =>
        ok({
          triggers: { total: 12, bySymbol: { "BTC-USD": 9, "ETH-USD": 3 } },
          channels: {
            IN_APP: { sent: 12, delivered: 12, failed: 0, pending: 0, successRate: 1, latencyMs: { p50: 8.2, p99: 40.5 } },
            DISCORD: { sent: 10, delivered: 8, failed: 2, pending: 0, successRate: 0.8, latencyMs: { p50: 210, p99: 950 } },
          },
          accuracy: { "1h": { judged: 10, correct: 6, rate: 0.6 }, "24h": { judged: 0, correct: 0, rate: null } },
        }),
    });
    renderWithProviders(<AlertsPage />, { path: "/alerts/metrics", route: "/alerts/*" });
    expect(await screen.findByTestId("metrics-total")).toHaveTextContent("12");
    expect(within(screen.getByRole("list", { name: "Triggers by symbol" })).getAllByRole("listitem")).toHaveLength(2);
    const table = within(screen.getByTestId("metrics-channels"));
    expect(table.getByRole("row", { name: /DISCORD 10 8 2 0 80% 210 ms 950 ms/ })).toBeInTheDocument();
    expect(screen.getByRole("img", { name: "Accuracy after 1h: 60%" })).toBeInTheDocument();
    expect(within(screen.getByTestId("accuracy-24h")).getByText("Not judged yet")).toBeInTheDocument();
  });

  it("has an empty state before anything fired", async () => {
    serve({ "GET /api/alerts/7/metrics": () => ok({ triggers: { total: 0, bySymbol: {} }, channels: {}, accuracy: {} }) });
    renderWithProviders(<AlertsPage />, { path: "/alerts/metrics", route: "/alerts/*" });
    expect(await screen.findByText("No triggers yet")).toBeInTheDocument();
  });
});
