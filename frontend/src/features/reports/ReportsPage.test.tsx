import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { Link, MemoryRouter, Route, Routes } from "react-router-dom";
import { apiError, mockApi, renderWithProviders, symbols, type MockRoute } from "@/test/utils";
import { keys } from "./api";
import { generated, generatingDaily, list, readyDaily, readyWeekly } from "./fixtures";
import ReportsPage from "./ReportsPage";

vi.mock("@/realtime/socket", () => ({ onUserEvent: () => () => undefined }));

const channels = {
  channels: [
    { channel: "EMAIL", ready: true, missing: null },
    { channel: "SMS", ready: false, missing: "SMS needs your phone number: set preferences.channels.phone (Settings → Notification channels → Phone (SMS))" },
    { channel: "DISCORD", ready: false, missing: "DISCORD needs a webhook URL" },
    { channel: "TELEGRAM", ready: false, missing: "TELEGRAM needs your chat id" },
    { channel: "WEBHOOK", ready: false, missing: "WEBHOOK needs your receiver's URL" },
    { channel: "IN_APP", ready: true, missing: null },
  ],
  email: { address: "u1@example.com", addressSource: "ACCOUNT", smtpConfigured: false, transport: "LOCAL_MAILBOX" },
};

function open(routes: Record<string, MockRoute> = {}, path = "/reports") {
  const calls = mockApi({
    "GET /api/market/symbols": { body: symbols },
    "GET /api/notifications/channels": { body: channels },
    "GET /api/reports": list(readyDaily),
    "GET /api/reports/schedules": { body: { schedules: [], count: 0 } },
    ...routes,
  });
  renderWithProviders(<ReportsPage />, { path, route: "/reports" });
  return calls;
}

const form = () => screen.getByRole("form", { name: "Generate a report" });

describe("the generate form", () => {
  it("sends the seed's options and lists the new report at once, GENERATING with its progress and estimate", async () => {
    let listed = 0;
    const calls = open({
      "POST /api/reports/generate": { status: 202, body: generated },
      // The first list is the page's; the next (after the 202) holds the new report.
      "GET /api/reports": () => (++listed === 1 ? list(readyDaily) : list(generatingDaily, readyDaily)),
      [`GET /api/reports/${generated.reportId}`]: { body: generatingDaily },
    });
    const add = await within(form()).findByLabelText("Add a symbol");
    fireEvent.change(add, { target: { value: "ETH-USD" } });
    fireEvent.click(within(form()).getByRole("button", { name: "Add symbol" }));
    fireEvent.click(within(form()).getByLabelText("Sentiment"));
    fireEvent.click(within(form()).getByLabelText(/^Email/));
    fireEvent.click(within(form()).getByRole("button", { name: "Generate report" }));

    await waitFor(() => expect(calls.some((c) => c.route === "POST /api/reports/generate")).toBe(true));
    expect(calls.find((c) => c.route === "POST /api/reports/generate")?.body).toEqual({
      reportType: "DAILY",
      format: "PDF",
      symbols: ["BTC-USD", "ETH-USD"],
      includeFundamental: true,
      includeTechnical: true,
      includeSentiment: false,
      includeOnChain: true,
      deliveryChannels: ["IN_APP", "EMAIL"],
    });
    const row = await screen.findByTestId(`report-row-${generated.reportId}`);
    const rows = within(screen.getByTestId("report-table")).getAllByRole("row").slice(1);
    expect(rows[0]).toBe(row); // at the top
    expect(within(row).getByText("GENERATING")).toBeInTheDocument();
    expect(within(row).getByRole("progressbar", { name: `Progress of ${generated.reportId}` })).toBeInTheDocument();
    expect(row).toHaveTextContent(/takes about 15 s/);
    await waitFor(() => expect(row).toHaveFocus());
    expect(row).toHaveAttribute("aria-current", "true");
  });

  it("shows the API's INVALID_SYMBOL under the symbols and its 422 under the field it names", async () => {
    let answer = 0;
    open({
      "POST /api/reports/generate": () =>
        ++answer === 1 ? apiError(400, "INVALID_SYMBOL", "Symbol NOPE-USD not found", "symbols") : apiError(422, "VALIDATION_ERROR", "format: Input should be 'PDF', 'XLSX', 'HTML', 'CSV' or 'JSON'", "format"),
    });
    fireEvent.click(await within(form()).findByRole("button", { name: "Generate report" }));
    expect(await screen.findByText("Symbol NOPE-USD not found")).toHaveAttribute("id", "rp-symbols-error");
    expect(screen.getByRole("group", { name: "Symbols" })).toHaveAccessibleDescription("Symbol NOPE-USD not found");

    fireEvent.click(within(form()).getByRole("button", { name: "Generate report" }));
    expect(await screen.findByText("Input should be 'PDF', 'XLSX', 'HTML', 'CSV' or 'JSON'")).toHaveAttribute("id", "rp-format-error");
    expect(within(form()).getByLabelText("Format")).toHaveAttribute("aria-invalid", "true");
    expect(screen.queryByText("Symbol NOPE-USD not found")).toBeNull(); // the last request's errors only
  });

  it("asks for a symbol before sending a market report", async () => {
    const calls = open();
    fireEvent.click(await within(form()).findByRole("button", { name: "Remove BTC-USD" }));
    expect(within(form()).getByText("No symbol yet: add one below.")).toBeInTheDocument();
    fireEvent.click(within(form()).getByRole("button", { name: "Generate report" }));
    expect(await screen.findByText("Add at least one symbol")).toHaveAttribute("id", "rp-symbols-error");
    expect(calls.filter((c) => c.method === "POST")).toHaveLength(0);
  });

  it("swaps the symbols and includes for a portfolio select, and sends only the portfolio", async () => {
    const calls = open({
      "GET /api/portfolios": { body: [{ portfolioId: 7, name: "Core" }, { portfolioId: 9, name: "Savings" }] },
      "POST /api/reports/generate": apiError(403, "FORBIDDEN", "Portfolio 9 is not yours", "portfolioId"),
    });
    fireEvent.change(await within(form()).findByLabelText("Report type"), { target: { value: "PORTFOLIO" } });
    expect(within(form()).queryByRole("group", { name: "Symbols" })).toBeNull();
    expect(within(form()).queryByRole("group", { name: "Include" })).toBeNull();
    fireEvent.click(within(form()).getByRole("button", { name: "Generate report" }));
    expect(await within(form()).findByText("Choose a portfolio")).toHaveAttribute("id", "rp-portfolio-error");
    fireEvent.change(within(form()).getByLabelText("Portfolio"), { target: { value: "9" } });
    fireEvent.click(within(form()).getByRole("button", { name: "Generate report" }));
    expect(await within(form()).findByText("Portfolio 9 is not yours")).toHaveAttribute("id", "rp-portfolio-error");
    const body = calls.find((c) => c.route === "POST /api/reports/generate")?.body as Record<string, unknown>;
    expect(body).toMatchObject({ reportType: "PORTFOLIO", portfolioId: 9, format: "PDF" });
    expect(body).not.toHaveProperty("symbols");
  });

  it("links to where a portfolio or a backtest is made when there is none", async () => {
    open({ "GET /api/portfolios": { body: [] }, "GET /api/backtest": { body: [] } });
    const type = await within(form()).findByLabelText("Report type");
    fireEvent.change(type, { target: { value: "PORTFOLIO" } });
    expect(await within(form()).findByRole("link", { name: "create a portfolio" })).toHaveAttribute("href", "/portfolios/new");
    fireEvent.change(type, { target: { value: "BACKTEST" } });
    expect(await within(form()).findByRole("link", { name: "run a backtest" })).toHaveAttribute("href", "/research/backtest");
  });

  it("disables the channels not set up, says which, and links to Settings", async () => {
    open();
    const sms = await within(form()).findByRole("checkbox", { name: /^SMS/ });
    await waitFor(() => expect(sms).toBeDisabled());
    expect(within(form()).getByRole("checkbox", { name: /^In the app/ })).toBeChecked();
    expect(within(form()).getByRole("checkbox", { name: /^Email/ })).toBeEnabled();
    const group = within(form()).getByRole("group", { name: "Deliver to" });
    expect(group).toHaveTextContent("SMS, Discord, Telegram, Webhook need an address first");
    expect(within(group).getByRole("link", { name: "set up channels in Settings" })).toHaveAttribute("href", "/settings");
  });
});

describe("the page", () => {
  it("is titled, and arriving by a link with ?report= (a toast's Open) focuses that report, not the heading", async () => {
    mockApi({
      "GET /api/market/symbols": { body: symbols },
      "GET /api/notifications/channels": { body: channels },
      "GET /api/reports": list(readyWeekly, readyDaily),
      "GET /api/reports/schedules": { body: { schedules: [], count: 0 } },
    });
    // The list as the screen left it (cached): its rows are there as the page mounts.
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    client.setQueryData(keys.list(0), { reports: [readyWeekly, readyDaily], count: 2 });
    render(
      <QueryClientProvider client={client}>
        <MemoryRouter initialEntries={["/"]}>
          <Routes>
            <Route path="/" element={<Link to={`/reports?report=${readyDaily.reportId}`}>Open</Link>} />
            <Route path="/reports" element={<ReportsPage />} />
          </Routes>
        </MemoryRouter>
      </QueryClientProvider>,
    );
    fireEvent.click(screen.getByRole("link", { name: "Open" }));
    const row = await screen.findByTestId(`report-row-${readyDaily.reportId}`);
    await waitFor(() => expect(row).toHaveFocus());
    await new Promise((r) => setTimeout(r, 50));
    expect(row).toHaveFocus(); // not taken back by the page's heading
    expect(document.title).toBe("Reports · Cryptomon");
    expect(row).toHaveAttribute("aria-current", "true");
  });
});
