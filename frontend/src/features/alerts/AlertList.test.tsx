import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useAuth } from "@/stores/auth";
import { fail, ok, renderWithProviders, serve } from "@/test/utils";
import AlertsPage from "./AlertsPage";
import { alertFixture } from "./fixtures";

const alert = alertFixture;

const ALERTS = [
  alert({ id: 3, condition: "CROSSING_UP", threshold: 70, metadata: { indicator: "RSI", params: { period: 14 } }, status: "TRIGGERED", triggerCount: 4, frequency: "EVERY_TIME", cooldownSeconds: 600 }),
  alert({ id: 2, symbol: "ETH-USD", condition: "ENTERING_CHANNEL", threshold: null, metadata: { lower: 3000, upper: 3500 }, status: "PAUSED" }),
  alert({ id: 1 }),
];

beforeEach(() => {
  useAuth.setState({ tokens: { accessToken: "a", refreshToken: "r" }, user: { id: 7, email: "u@example.com", role: "user" } });
});

const common = { "GET /api/market/symbols": () => ok([]) };

describe("AlertList", () => {
  it("describes a price level confirmed by an indicator, and says when the indicator has no value yet", async () => {
    const confirmation = { indicator: "RSI(14)", timeframe: "1h", operator: ">=" as const, value: 70, description: "", reading: null, readingAt: null };
    const seed = { condition: "PRICE_ABOVE", threshold: 50000, metadata: { indicator: "RSI", value: 70 } };
    const alerts = [alert({ id: 5, ...seed, confirmation }), alert({ id: 4, ...seed, confirmation: { ...confirmation, reading: 72.5, readingAt: "2026-11-20T10:00:00Z" } })];
    serve({ ...common, "GET /api/alerts/7": () => ok({ alerts, total: 2, active: 2 }) });
    renderWithProviders(<AlertsPage />, { path: "/alerts", route: "/alerts/*" });
    const waiting = within(await screen.findByTestId("alert-row-5"));
    expect(waiting.getByText("price above 50,000 while RSI(14) 1h >= 70", { exact: false })).toBeInTheDocument();
    expect(waiting.getByTestId("confirmation-waiting")).toHaveTextContent("waiting for RSI(14) 1h data");
    expect(within(screen.getByTestId("alert-row-4")).queryByTestId("confirmation-waiting")).not.toBeInTheDocument();
  });

  it("shows the total and active counts and each alert's rule, status and triggers", async () => {
    serve({ ...common, "GET /api/alerts/7": () => ok({ alerts: ALERTS, total: 3, active: 1 }) });
    renderWithProviders(<AlertsPage />, { path: "/alerts", route: "/alerts/*" });
    expect(screen.getByLabelText("Loading")).toBeInTheDocument();
    expect(await screen.findByTestId("alert-total")).toHaveTextContent("3");
    expect(screen.getByTestId("alert-active")).toHaveTextContent("1");
    expect(screen.getByTestId("alert-counts")).toHaveTextContent("3 alerts · 1 active");

    const rows = within(screen.getByTestId("alert-table")).getAllByRole("row").slice(1);
    expect(rows).toHaveLength(3);
    const first = within(screen.getByTestId("alert-row-3"));
    expect(first.getByText("RSI(period=14) crosses up through 70 · 1h")).toBeInTheDocument();
    expect(first.getByText("TRIGGERED")).toHaveClass("pill", "pill-TRIGGERED");
    expect(first.getByTestId("trigger-count")).toHaveTextContent("4");
    expect(first.getByText("EVERY_TIME · 600s cooldown")).toBeInTheDocument();
    expect(first.getByRole("button", { name: "Resume alert 3" })).toBeInTheDocument();
    expect(within(screen.getByTestId("alert-row-2")).getByText(/^Price enters \[3,000.* – 3,500.*\]$/)).toBeInTheDocument();
    expect(within(screen.getByTestId("alert-row-1")).getByRole("button", { name: "Pause alert 1" })).toBeInTheDocument();
  });

  it("shows a portfolio's risk alert with its portfolio, and edits it there", async () => {
    const drift = alert({ id: 9, symbol: "PORTFOLIO", condition: "ALLOCATION_DRIFT", threshold: null, metadata: { portfolioId: 4 } });
    serve({ ...common, "GET /api/alerts/7": () => ok({ alerts: [drift], total: 1, active: 1 }) });
    renderWithProviders(<AlertsPage />, { path: "/alerts", route: "/alerts/*" });
    const row = within(await screen.findByTestId("alert-row-9"));
    expect(row.getByRole("link", { name: "Portfolio #4" })).toHaveAttribute("href", "/portfolios/4");
    expect(row.getByText("Allocation drifts beyond the portfolio's band")).toBeInTheDocument();
    expect(row.getByRole("link", { name: "Edit alert 9" })).toHaveAttribute("href", "/portfolios/4/settings");
  });

  it("sends the filters and says how many match", async () => {
    const { calls } = serve({
      ...common,
      "GET /api/alerts/7": (request) =>
        new URL(request.url).searchParams.get("status") === "PAUSED" ? ok({ alerts: [ALERTS[1]], total: 1, active: 1 }) : ok({ alerts: ALERTS, total: 3, active: 1 }),
    });
    const user = userEvent.setup();
    renderWithProviders(<AlertsPage />, { path: "/alerts", route: "/alerts/*" });
    await screen.findByTestId("alert-table");
    await user.selectOptions(screen.getByLabelText("Status"), "PAUSED");
    await waitFor(() => expect(screen.getByTestId("alert-counts")).toHaveTextContent("1 matching · 1 active"));
    await user.type(screen.getByLabelText("Created from"), "2026-11-01");
    await waitFor(() => expect(calls.at(-1)?.url.searchParams.get("from")).toBeTruthy());
    expect(calls.at(-1)?.url.searchParams.get("status")).toBe("PAUSED");
  });

  it("explains how to create the first alert", async () => {
    serve({ ...common, "GET /api/alerts/7": () => ok({ alerts: [], total: 0, active: 0 }) });
    renderWithProviders(<AlertsPage />, { path: "/alerts", route: "/alerts/*" });
    const empty = (await screen.findByText("No alerts yet")).closest(".empty") as HTMLElement;
    expect(within(empty).getByRole("link", { name: "New alert" })).toHaveAttribute("href", "/alerts/new");
  });

  it("pauses, and deletes only after a confirmation", async () => {
    let alerts = [...ALERTS];
    const { calls } = serve({
      ...common,
      "GET /api/alerts/7": () => ok({ alerts, total: alerts.length, active: 1 }),
      "POST /api/alerts/7/1/pause": () => ok({ ...ALERTS[2], status: "PAUSED" }),
      "DELETE /api/alerts/7/2": () => {
        alerts = alerts.filter((a) => a.id !== 2);
        return new Response(null, { status: 204 });
      },
    });
    const user = userEvent.setup();
    renderWithProviders(<AlertsPage />, { path: "/alerts", route: "/alerts/*" });
    await user.click(await screen.findByRole("button", { name: "Pause alert 1" }));
    await waitFor(() => expect(calls.some((c) => c.method === "POST" && c.url.pathname.endsWith("/pause"))).toBe(true));

    await user.click(screen.getByRole("button", { name: "Delete alert 2" }));
    expect(calls.some((c) => c.method === "DELETE")).toBe(false);
    await user.click(screen.getByRole("button", { name: "Yes, delete" }));
    await waitFor(() => expect(screen.queryByTestId("alert-row-2")).not.toBeInTheDocument());
    expect(screen.getByTestId("alert-total")).toHaveTextContent("2");
  });

  it("shows a load error with a retry", async () => {
    serve({ ...common, "GET /api/alerts/7": () => fail(500, "INTERNAL_ERROR", "Internal error; it was logged with the request id") });
    renderWithProviders(<AlertsPage />, { path: "/alerts", route: "/alerts/*" });
    expect(await screen.findByText("Could not load your alerts")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Try again" })).toBeInTheDocument();
  });
});
