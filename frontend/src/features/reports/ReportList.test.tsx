import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import type { UserEvent } from "@/realtime/socket";
import { apiError, mockApi, renderWithProviders, type MockRoute } from "@/test/utils";
import { POLL_MS } from "./api";
import { doneDaily, expiredBacktest, failedPortfolio, generatingDaily, list, readyDaily, readyWeekly } from "./fixtures";
import { ReportList } from "./ReportList";

const listeners = vi.hoisted(() => new Set<(event: UserEvent) => void>());
vi.mock("@/realtime/socket", () => ({
  onUserEvent: (listener: (event: UserEvent) => void) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
}));
const emit = (event: UserEvent) => act(() => listeners.forEach((l) => l(event)));

function open(routes: Record<string, MockRoute>, highlight: string | null = null) {
  const calls = mockApi({
    "GET /api/portfolios": { body: [{ portfolioId: 7, name: "Core" }] },
    "GET /api/backtest": { body: [] },
    ...routes,
  });
  renderWithProviders(
    <>
      <h2 id="heading" tabIndex={-1}>
        Your reports
      </h2>
      <ReportList highlight={highlight} focusKey="k" headingId="heading" />
    </>,
  );
  return calls;
}

const row = (id: string) => screen.getByTestId(`report-row-${id}`);

describe("the report list", () => {
  afterEach(() => listeners.clear());

  it("says there is none yet", async () => {
    open({ "GET /api/reports": list() });
    expect(await screen.findByText("No reports yet")).toBeInTheDocument();
  });

  it("says why it could not load, and tries again", async () => {
    let asked = 0;
    open({ "GET /api/reports": () => (++asked === 1 ? apiError(500, "INTERNAL_ERROR", "The server had a problem") : list(readyDaily)) });
    expect(await screen.findByText("Could not load your reports")).toBeInTheDocument();
    expect(screen.getByText("The server had a problem")).toBeInTheDocument();
    fireEvent.click(screen.getByRole("button", { name: "Try again" }));
    expect(await screen.findByTestId(`report-row-${readyDaily.reportId}`)).toBeInTheDocument();
  });

  it("shows each state: READY with its link, size and deliveries; FAILED with why; EXPIRED without a file", async () => {
    open({ "GET /api/reports": list(readyWeekly, readyDaily, failedPortfolio, expiredBacktest) });
    const weekly = await screen.findByTestId(`report-row-${readyWeekly.reportId}`);
    expect(weekly).toHaveTextContent(/Weekly.*RPT-20261203-002.*ETH-USD.*XLSX.*READY/);
    expect(weekly).toHaveTextContent("2026-12-03 23:52"); // created, UTC
    expect(weekly).toHaveTextContent("12.9 KB");
    const download = within(weekly).getByRole("link", { name: `Download ${readyWeekly.reportId} (XLSX)` });
    expect(download).toHaveAttribute("href", readyWeekly.downloadUrl); // as the API gave it
    expect(download).toHaveAttribute("download");
    const deliveries = within(weekly).getAllByRole("listitem");
    expect(deliveries.map((d) => d.textContent)).toEqual([
      "In the app DELIVERED",
      "Email DELIVERED",
      `SMS FAILED ${readyWeekly.deliveries[2]!.lastError!}`,
    ]);
    expect(row(readyDaily.reportId)).toHaveTextContent("215.1 KB");

    const failed = row(failedPortfolio.reportId);
    await waitFor(() => expect(failed).toHaveTextContent(/Portfolio.*Portfolio Core.*FAILED.*Portfolio 7 holds nothing to report on/));
    expect(within(failed).queryByRole("link", { name: /Download/ })).toBeNull();
    const expired = row(expiredBacktest.reportId);
    expect(expired).toHaveTextContent(/Backtest BT-20261101-002.*HTML.*EXPIRED.*file removed/);
    expect(within(expired).queryByRole("link", { name: /Download/ })).toBeNull();
  });

  it("asks for a GENERATING report every second until it is done, then stops", async () => {
    let asked = 0;
    const calls = open({
      "GET /api/reports": list(generatingDaily, readyDaily),
      [`GET /api/reports/${generatingDaily.reportId}`]: () => ({ body: ++asked < 3 ? generatingDaily : doneDaily }),
    });
    const generating = await screen.findByTestId(`report-row-${generatingDaily.reportId}`);
    expect(within(generating).getByRole("progressbar")).toHaveAttribute("value", "0.4");
    expect(generating).toHaveTextContent("40% done · takes about 15 s");
    await waitFor(() => expect(within(generating).getByRole("link", { name: /Download/ })).toHaveAttribute("href", doneDaily.downloadUrl), {
      timeout: 5 * POLL_MS,
    });
    expect(within(generating).queryByRole("progressbar")).toBeNull();
    const polls = () => calls.filter((c) => c.route === `GET /api/reports/${generatingDaily.reportId}`).length;
    expect(polls()).toBe(3);
    await new Promise((r) => setTimeout(r, 2.5 * POLL_MS));
    expect(polls()).toBe(3); // no more once READY
  }, 15_000);

  it("asks again at once when the report's ANALYSIS_COMPLETE arrives, and ignores an analysis's", async () => {
    let done = false;
    const calls = open({
      "GET /api/reports": () => list(done ? doneDaily : generatingDaily),
      [`GET /api/reports/${generatingDaily.reportId}`]: () => ({ body: done ? doneDaily : generatingDaily }),
    });
    await screen.findByTestId(`report-row-${generatingDaily.reportId}`);
    await waitFor(() => expect(calls.filter((c) => c.route.startsWith("GET /api/reports/")).length).toBe(1));
    const before = calls.length;
    emit({ type: "ANALYSIS_COMPLETE", analysisId: "ANLYS-20261203-001", status: "COMPLETE" });
    await new Promise((r) => setTimeout(r, 50));
    expect(calls.length).toBe(before); // the fundamental analysis's event is not ours

    done = true;
    emit({ type: "ANALYSIS_COMPLETE", reportId: generatingDaily.reportId, status: "READY", downloadUrl: doneDaily.downloadUrl });
    // Long before the next poll (POLL_MS): the event's own refetch.
    await waitFor(() => expect(within(row(generatingDaily.reportId)).getByText("READY")).toBeInTheDocument(), { timeout: POLL_MS / 2 });
  });

  it("deletes a report once confirmed, and moves focus to the next one", async () => {
    let deleted = false;
    const calls = open({
      "GET /api/reports": () => (deleted ? list(readyDaily) : list(readyWeekly, readyDaily)),
      [`DELETE /api/reports/${readyWeekly.reportId}`]: () => {
        deleted = true;
        return { status: 204, body: null, raw: true };
      },
    });
    const weekly = await screen.findByTestId(`report-row-${readyWeekly.reportId}`);
    fireEvent.click(within(weekly).getByRole("button", { name: `Delete report ${readyWeekly.reportId}` }));
    expect(within(weekly).getByRole("group", { name: `Confirm deleting ${readyWeekly.reportId}` })).toBeInTheDocument();
    expect(calls.filter((c) => c.method === "DELETE")).toHaveLength(0);
    fireEvent.click(within(weekly).getByRole("button", { name: "Yes, delete" }));
    await waitFor(() => expect(screen.queryByTestId(`report-row-${readyWeekly.reportId}`)).toBeNull());
    await waitFor(() => expect(row(readyDaily.reportId)).toHaveFocus());
    expect(calls.filter((c) => c.method === "DELETE")).toHaveLength(1);
  });

  it("marks and focuses the report in the URL (a toast's Open)", async () => {
    open({ "GET /api/reports": list(readyWeekly, readyDaily) }, readyDaily.reportId);
    await waitFor(() => expect(row(readyDaily.reportId)).toHaveFocus());
    expect(row(readyDaily.reportId)).toHaveAttribute("aria-current", "true");
    expect(row(readyDaily.reportId)).toHaveClass("rp-highlight");
    expect(row(readyWeekly.reportId)).not.toHaveAttribute("aria-current");
  });

  it("pages through more than 50", async () => {
    const many = Array.from({ length: 50 }, (_, i) => ({ ...readyDaily, reportId: `RPT-20261203-${String(100 + i)}` }));
    const calls = open({
      "GET /api/reports": (call) =>
        call.search.get("offset") === "50" ? { body: { reports: [readyWeekly], count: 51 } } : { body: { reports: many, count: 51 } },
    });
    expect(await screen.findByText("1–50 of 51")).toBeInTheDocument();
    fireEvent.click(screen.getByRole("button", { name: "Older" }));
    expect(await screen.findByText("51–51 of 51")).toBeInTheDocument();
    expect(await screen.findByTestId(`report-row-${readyWeekly.reportId}`)).toBeInTheDocument();
    expect(calls.filter((c) => c.route === "GET /api/reports").map((c) => c.search.get("limit"))).toEqual(["50", "50"]);
  });
});
