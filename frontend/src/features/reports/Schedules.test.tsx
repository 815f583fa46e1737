import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { apiError, mockApi, renderWithProviders, symbols, type MockRoute } from "@/test/utils";
import type { Schedule } from "./api";
import { list, weeklyBerlin } from "./fixtures";
import ReportsPage from "./ReportsPage";

vi.mock("@/realtime/socket", () => ({ onUserEvent: () => () => undefined }));

const me = (timezone: string) => ({
  id: 3,
  email: "u1@example.com",
  displayName: null,
  role: "USER",
  createdAt: "2026-12-01T00:00:00Z",
  preferences: { channels: {}, interests: [], riskProfile: null, watchlist: [], theme: "system", timezone },
});

const monthlyUtc: Schedule = {
  ...weeklyBerlin,
  scheduleId: 2,
  name: "Month end",
  cadence: "MONTHLY",
  weekday: null,
  dayOfMonth: 31,
  hour: 6,
  timezone: "UTC",
  paused: true,
  nextRunAt: "2026-12-31T06:00:00Z",
  lastRunAt: "2026-11-30T06:00:00Z",
  lastReportId: "RPT-20261130-001",
};

function open(routes: Record<string, MockRoute> = {}, schedules: Schedule[] = [weeklyBerlin, monthlyUtc]) {
  const calls = mockApi({
    "GET /api/market/symbols": { body: symbols },
    "GET /api/notifications/channels": { body: { channels: [], email: { address: null, addressSource: "ACCOUNT", smtpConfigured: false, transport: "LOCAL_MAILBOX" } } },
    "GET /api/reports": list(),
    "GET /api/reports/schedules": { body: { schedules, count: schedules.length } },
    "GET /api/users/me": { body: me("Europe/Berlin") },
    ...routes,
  });
  renderWithProviders(<ReportsPage />, { path: "/reports", route: "/reports" });
  return calls;
}

const table = () => screen.findByTestId("schedule-table");

describe("the schedules", () => {
  it("lists each with its cadence in words and its next run on its clock and in UTC", async () => {
    open();
    const weekly = within(await table()).getByTestId(`schedule-row-${weeklyBerlin.scheduleId}`);
    expect(weekly).toHaveTextContent(/Weekly daily PDF \(BTC-USD\).*Daily · PDF · BTC-USD/);
    expect(within(weekly).getByTestId("schedule-when-1")).toHaveTextContent("Weekly on Monday at 08:00 Europe/Berlin");
    expect(within(weekly).getByTestId("schedule-next-1")).toHaveTextContent("Mon 2026-12-07 08:00 Europe/Berlin2026-12-07 07:00 UTC");
    expect(weekly).toHaveTextContent("not run yet");
    expect(within(weekly).getByText("ACTIVE")).toBeInTheDocument();

    const monthly = screen.getByTestId("schedule-row-2");
    expect(monthly).toHaveTextContent("Monthly on day 31 (or the month's last day) at 06:00 UTC");
    expect(within(monthly).getByTestId("schedule-next-2")).toHaveTextContent("paused");
    expect(within(monthly).getByRole("link", { name: "RPT-20261130-001" })).toHaveAttribute("href", "/reports?report=RPT-20261130-001");
    expect(within(monthly).getByRole("button", { name: "Resume schedule Month end" })).toBeInTheDocument();
  });

  it("pauses and resumes, and deletes once confirmed", async () => {
    const calls = open({
      "PATCH /api/reports/schedules/1": (call) => ({ body: { ...weeklyBerlin, paused: (call.body as { paused: boolean }).paused } }),
      "DELETE /api/reports/schedules/2": { status: 204, body: null, raw: true },
    });
    fireEvent.click(within(await table()).getByRole("button", { name: "Pause schedule Weekly daily PDF (BTC-USD)" }));
    await waitFor(() => expect(calls.find((c) => c.route === "PATCH /api/reports/schedules/1")?.body).toEqual({ paused: true }));
    fireEvent.click(screen.getByRole("button", { name: "Delete schedule Month end" }));
    fireEvent.click(within(screen.getByRole("group", { name: "Confirm deleting schedule Month end" })).getByRole("button", { name: "Yes, delete" }));
    await waitFor(() => expect(calls.some((c) => c.route === "DELETE /api/reports/schedules/2")).toBe(true));
  });

  it("says there is none yet", async () => {
    open({}, []);
    expect(await screen.findByText("No schedules yet")).toBeInTheDocument();
  });
});

describe("the schedule form", () => {
  it("defaults to the user's time zone, describes the rule as it is edited, sends it and focuses the new row", async () => {
    const created: Schedule = { ...weeklyBerlin, scheduleId: 5, name: "Mornings", cadence: "DAILY", weekday: null, hour: 7 };
    let made = false;
    const calls = open({
      "POST /api/reports/schedules": () => {
        made = true;
        return { status: 201, body: created };
      },
      "GET /api/reports/schedules": () => ({ body: { schedules: made ? [created] : [], count: made ? 1 : 0 } }),
    });
    fireEvent.click(await screen.findByRole("button", { name: "New schedule" }));
    const form = screen.getByRole("form", { name: "New schedule" });
    const type = within(form).getByLabelText("Report type");
    await waitFor(() => expect(type).toHaveFocus());
    expect(within(type).queryByRole("option", { name: "Backtest" })).toBeNull(); // a run is not scheduled
    await waitFor(() => expect(within(form).getByLabelText("Time zone")).toHaveValue("Europe/Berlin"));
    expect(within(form).getByText("Your account's time zone")).toBeInTheDocument();
    expect(within(form).getByTestId("schedule-rule")).toHaveTextContent("Runs: Weekly on Monday at 08:00 Europe/Berlin");

    fireEvent.change(within(form).getByLabelText("Repeats"), { target: { value: "DAILY" } });
    expect(within(form).queryByLabelText("On")).toBeNull();
    fireEvent.change(within(form).getByLabelText("At"), { target: { value: "7" } });
    fireEvent.change(within(form).getByLabelText("Name (optional)"), { target: { value: "Mornings" } });
    expect(within(form).getByTestId("schedule-rule")).toHaveTextContent("Runs: Daily at 07:00 Europe/Berlin");
    fireEvent.click(within(form).getByRole("button", { name: "Create schedule" }));

    await waitFor(() => expect(screen.getByTestId("schedule-row-5")).toHaveFocus());
    expect(screen.queryByRole("form", { name: "New schedule" })).toBeNull();
    expect(calls.find((c) => c.route === "POST /api/reports/schedules")?.body).toEqual({
      reportType: "DAILY",
      format: "PDF",
      deliveryChannels: ["IN_APP"],
      symbols: ["BTC-USD"],
      includeFundamental: true,
      includeTechnical: true,
      includeSentiment: true,
      includeOnChain: true,
      name: "Mornings",
      cadence: "DAILY",
      weekday: null,
      dayOfMonth: null,
      hour: 7,
      timezone: "Europe/Berlin",
    });
  });

  it("checks the day of the month, and shows the API's error beside the time zone", async () => {
    const calls = open({ "POST /api/reports/schedules": apiError(422, "VALIDATION_ERROR", "timezone: unknown time zone 'Mars/Olympus'", "timezone") });
    fireEvent.click(await screen.findByRole("button", { name: "New schedule" }));
    const form = screen.getByRole("form", { name: "New schedule" });
    fireEvent.change(within(form).getByLabelText("Repeats"), { target: { value: "MONTHLY" } });
    fireEvent.change(within(form).getByLabelText("Day of the month"), { target: { value: "32" } });
    fireEvent.click(within(form).getByRole("button", { name: "Create schedule" }));
    expect(await within(form).findByText("A day from 1 to 31")).toHaveAttribute("id", "sc-day-error");
    expect(calls.filter((c) => c.method === "POST")).toHaveLength(0);

    fireEvent.change(within(form).getByLabelText("Day of the month"), { target: { value: "31" } });
    expect(within(form).getByTestId("schedule-rule")).toHaveTextContent("Monthly on day 31 (or the month's last day) at 08:00 Europe/Berlin");
    fireEvent.click(within(form).getByRole("button", { name: "Create schedule" }));
    expect(await within(form).findByText("unknown time zone 'Mars/Olympus'")).toHaveAttribute("id", "sc-timezone-error");
    expect(within(form).getByLabelText("Time zone")).toHaveAttribute("aria-invalid", "true");
    expect(calls.find((c) => c.method === "POST")?.body).toMatchObject({ cadence: "MONTHLY", dayOfMonth: 31, weekday: null });
  });

  it("closes on Cancel and gives focus back to the heading", async () => {
    open();
    fireEvent.click(await screen.findByRole("button", { name: "New schedule" }));
    fireEvent.click(within(screen.getByRole("form", { name: "New schedule" })).getByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("form", { name: "New schedule" })).toBeNull();
    await waitFor(() => expect(screen.getByRole("heading", { name: "Schedules" })).toHaveFocus());
  });
});
