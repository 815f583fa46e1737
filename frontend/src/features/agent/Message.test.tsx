import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { useAuth } from "@/stores/auth";
import { apiError, mockApi, renderWithProviders } from "@/test/utils";
import { alertProposal, answer, backtestProposal, rsiCall } from "./fixtures";
import { Answer, callLine, savedAnswer } from "./Message";
import { ProposalCard } from "./ProposalCard";

beforeEach(() => useAuth.setState({ user: { id: 7, email: "ada@example.com", role: "user" }, tokens: { accessToken: "a", refreshToken: "r" } }));

describe("a tool call's line", () => {
  it("says what is being called, then the tool, source, as-of and time it took", () => {
    const { ref, tool, arguments: args, step } = rsiCall();
    expect(callLine({ ref, tool, arguments: args, step })).toBe("Calling technical_analysis(symbol BTC-USD)…");
    expect(callLine(rsiCall())).toBe("✓ technical_analysis · cryptomon-candles · as of 2026-11-24 10:00 UTC · 12 ms");
    expect(callLine(rsiCall({ status: "ERROR", durationMs: 3 }))).toBe("✗ technical_analysis · failed · 3 ms");
  });
});

describe("an answer", () => {
  it("opens a tool call on its arguments and pretty-printed result", () => {
    renderWithProviders(<Answer {...savedAnswer(answer(2), "m2", 7)} />);
    const row = screen.getByTestId("tool-call-T1");
    const toggle = within(row).getByRole("button", { name: /^T1 ✓ technical_analysis · cryptomon-candles/ });
    expect(toggle).toHaveAttribute("aria-expanded", "false");
    expect(within(row).getByTestId("tool-result")).not.toBeVisible();
    fireEvent.click(toggle);
    expect(toggle).toHaveAttribute("aria-expanded", "true");
    expect(within(row).getByTestId("tool-arguments")).toHaveTextContent('{ "symbol": "BTC-USD" }');
    expect(within(row).getByTestId("tool-result").textContent).toBe(JSON.stringify(rsiCall().result, null, 2));
  });

  it("turns each [T1] into a button that opens and focuses the call it cites, and lists the sources", () => {
    renderWithProviders(<Answer {...savedAnswer(answer(2), "m2", 7)} />);
    const text = screen.getByTestId("answer-text");
    expect(text).toHaveTextContent("BTC's RSI(14) is 48.2 T1: neutral. I propose an alert above 150,000 T2.");
    expect(text).not.toHaveTextContent("[T1]");
    fireEvent.click(within(text).getByRole("button", { name: "Source T1: technical_analysis" }));
    const toggle = within(screen.getByTestId("tool-call-T1")).getByRole("button");
    expect(toggle).toHaveAttribute("aria-expanded", "true");
    expect(toggle).toHaveFocus();
    expect(within(screen.getByTestId("tool-call-T2")).getByRole("button")).toHaveAttribute("aria-expanded", "false");

    const sources = within(screen.getByTestId("sources")).getAllByRole("listitem");
    expect(sources.map((li) => li.textContent)).toEqual([
      "T1 technical_analysis · cryptomon-candles · as of 2026-11-24 10:00 UTC",
      "T2 propose_alert · cryptomon · as of 2026-11-24 10:00 UTC",
    ]);
    fireEvent.click(within(sources[1]!).getByRole("button", { name: "Show T2, propose_alert" }));
    expect(within(screen.getByTestId("tool-call-T2")).getByRole("button")).toHaveFocus();
  });

  it("leaves a ref that matches no call as text, and shows a failed turn's error with its code", () => {
    const failed = answer(2, { content: "Partial [T9]", status: "FAILED", error: { code: "MAX_STEPS", message: "Too many steps." }, citations: [], proposals: [] });
    renderWithProviders(<Answer {...savedAnswer(failed, "m2", 7)} />);
    expect(screen.getByTestId("answer-text")).toHaveTextContent("Partial [T9]");
    expect(screen.queryByRole("button", { name: /Source T9/ })).not.toBeInTheDocument();
    expect(screen.getByRole("alert")).toHaveTextContent(/^The assistant could not answer MAX_STEPS\s*Too many steps\.$/);
  });
});

describe("a proposal", () => {
  const ALERT = "POST /api/agent/conversations/7/proposals/T2";
  const BACKTEST = "POST /api/agent/conversations/7/proposals/T3";
  const created = (id: string) => ({ created: { id, at: "2026-11-24T10:05:00Z" } });

  it("asks the API to create the proposed alert, then links to it", async () => {
    const calls = mockApi({ [ALERT]: { status: 201, body: alertProposal(created("41")) } });
    renderWithProviders(<ProposalCard conversationId={7} proposal={alertProposal()} />);
    expect(screen.getByText("Alert when BTC-USD goes above 150,000")).toBeInTheDocument();
    expect(screen.getByTestId("proposal-request")).toHaveTextContent("threshold150000");
    fireEvent.click(screen.getByRole("button", { name: "Create this alert" }));
    const link = await screen.findByRole("link", { name: "Open it in Alerts" });
    expect(link).toHaveAttribute("href", "/alerts");
    expect(link).toHaveFocus();
    expect(screen.getByTestId("proposal-done")).toHaveTextContent("Alert #41 created.");
    expect(calls.map((c) => c.route)).toEqual([ALERT]);
    expect(screen.queryByRole("button", { name: "Create this alert" })).not.toBeInTheDocument();
  });

  it("runs the proposed backtest and links to the run", async () => {
    const calls = mockApi({ [BACKTEST]: { status: 201, body: backtestProposal(created("BT-9")) } });
    renderWithProviders(<ProposalCard conversationId={7} proposal={backtestProposal()} />);
    fireEvent.click(screen.getByRole("button", { name: "Run this backtest" }));
    expect(await screen.findByRole("link", { name: "Open the backtest" })).toHaveAttribute("href", "/research/backtest?run=BT-9");
    expect(calls.map((c) => c.route)).toEqual([BACKTEST]);
  });

  it("shows a proposal created earlier as done, with no button to create it twice", () => {
    mockApi({});
    renderWithProviders(<ProposalCard conversationId={7} proposal={alertProposal(created("41"))} />);
    expect(screen.getByTestId("proposal-done")).toHaveTextContent("Alert #41 created.");
    expect(screen.queryByRole("button", { name: "Create this alert" })).not.toBeInTheDocument();
  });

  it("shows the API's refusal field by field and lets the user try again", async () => {
    mockApi({
      [ALERT]: apiError(422, "VALIDATION_ERROR", "threshold: must be positive (and 1 more)", "threshold", [
        { field: "threshold", message: "must be positive" },
        { field: "channels.0", message: "unknown channel" },
      ]),
    });
    renderWithProviders(<ProposalCard conversationId={7} proposal={alertProposal()} />);
    fireEvent.click(screen.getByRole("button", { name: "Create this alert" }));
    const error = await screen.findByRole("alert");
    expect(error).toHaveTextContent("Could not create the alert");
    expect(within(error).getAllByRole("listitem").map((li) => li.textContent)).toEqual(["threshold must be positive", "channels.0 unknown channel"]);
    await waitFor(() => expect(screen.getByRole("button", { name: "Create this alert" })).toBeEnabled());
  });
});
