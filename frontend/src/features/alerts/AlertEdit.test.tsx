import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useAuth } from "@/stores/auth";
import { fail, ok, renderWithProviders, serve, symbols } from "@/test/utils";
import AlertsPage from "./AlertsPage";
import { alertFixture } from "./fixtures";
import type { Alert } from "./types";

const CATALOG = {
  indicators: [{ name: "RSI", title: "Relative Strength Index", group: "Momentum", params: [{ name: "period", default: 14, min: 2, max: 1000, integer: true }], outputs: ["real"] }],
  functions: [],
};
const STORED: Alert = alertFixture({
  id: 3,
  symbol: "ETH-USD",
  condition: "PRICE_BELOW",
  threshold: 3000,
  frequency: "EVERY_TIME",
  cooldownSeconds: 600,
});

// Loads are slow on a busy machine: wait longer than the default second for them.
const SLOW = { timeout: 10_000 };

beforeEach(() => {
  useAuth.setState({ tokens: { accessToken: "a", refreshToken: "r" }, user: { id: 7, email: "u@example.com", role: "user" } });
});

/** A fake API holding one alert that PATCH changes. */
function api(patchReply?: () => Response) {
  let alert = STORED;
  return serve({
    "GET /api/market/symbols": () => ok(symbols),
    "GET /api/indicators": () => ok(CATALOG),
    "GET /api/indicators/custom": () => ok([]),
    "GET /api/alerts/7": () => ok({ alerts: [alert], total: 1, active: 1 }),
    "GET /api/alerts/7/3": () => ok(alert),
    "PATCH /api/alerts/7/3": (_, body) => {
      if (patchReply) return patchReply();
      alert = { ...alert, ...(body as Partial<Alert>), updatedAt: "2026-11-21T10:00:00Z" };
      return ok(alert);
    },
  });
}

describe("editing an alert", () => {
  it("opens from the list prefilled, saves only the new threshold with PATCH, and the list shows it", async () => {
    const { calls } = api();
    const user = userEvent.setup();
    renderWithProviders(<AlertsPage />, { path: "/alerts", route: "/alerts/*" });
    await user.click(await screen.findByRole("link", { name: "Edit alert 3" }, SLOW));

    const form = await screen.findByRole("form", { name: "Edit alert 3" }, SLOW);
    const symbol = within(form).getByLabelText("Symbol");
    await waitFor(() => expect(symbol).toHaveValue("ETH-USD"), SLOW);
    expect(symbol).toBeDisabled();
    expect(within(form).getByLabelText("Condition")).toHaveValue("PRICE_BELOW");
    expect(within(form).getByLabelText("Threshold")).toHaveValue("3000");
    expect(within(form).getByLabelText("Frequency")).toHaveValue("EVERY_TIME");
    expect(within(form).getByLabelText("Cooldown (seconds)")).toHaveValue("600");
    expect(within(form).getByLabelText(/\(IN_APP\)/)).toBeChecked();
    const save = within(form).getByRole("button", { name: "Save changes" });
    expect(save).toBeDisabled(); // nothing changed yet

    await user.clear(within(form).getByLabelText("Threshold"));
    await user.type(within(form).getByLabelText("Threshold"), "2800");
    await user.click(save);

    await waitFor(() => expect(screen.getByTestId("alert-table")).toHaveTextContent(/Price ≤ 2,800/), SLOW);
    expect(calls.filter((c) => c.method === "PATCH").map((c) => c.body)).toEqual([{ threshold: 2800 }]);
  }, 30_000);

  it("shows the API's refusal next to the field it names", async () => {
    api(() => fail(422, "VALIDATION_ERROR", "cooldownSeconds: Input should be less than or equal to 2592000", "cooldownSeconds"));
    const user = userEvent.setup();
    renderWithProviders(<AlertsPage />, { path: "/alerts/3/edit", route: "/alerts/*" });
    const cooldown = await screen.findByLabelText("Cooldown (seconds)", {}, SLOW);
    await user.clear(cooldown);
    await user.type(cooldown, "900");
    await user.click(screen.getByRole("button", { name: "Save changes" }));
    await waitFor(() => expect(cooldown).toHaveAttribute("aria-invalid", "true"));
    expect(document.getElementById("alert-cooldown-error")).toHaveTextContent("Input should be less than or equal to 2592000");
    expect(screen.getByRole("form", { name: "Edit alert 3" })).toBeInTheDocument(); // still editing
  }, 30_000);
});
