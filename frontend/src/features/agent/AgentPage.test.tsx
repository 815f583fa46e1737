import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { useAuth } from "@/stores/auth";
import { fail, ok, renderWithProviders, serve, type Handler } from "@/test/utils";
import AgentPage from "./AgentPage";
import { answer, controlledStream, conversation, rsiCall, sse, status, summary, userMessage } from "./fixtures";
import type { Conversation } from "./api";
import { useTurns } from "./turn";

const Q = "What is the RSI of BTC? Also set an alert above 150000";

beforeEach(() => {
  useAuth.setState({ user: { id: 7, email: "ada@example.com", role: "user" }, tokens: { accessToken: "token-a", refreshToken: "r" } });
  useTurns.setState({ turns: {}, keyOf: {} });
});

/** The API with one conversation whose history `current()` gives, and `more` routes. */
function api(current: () => Conversation, more: Record<string, Handler> = {}, agent = status()) {
  return serve({
    "GET /api/agent/status": () => ok(agent),
    "GET /api/agent/conversations": () => ok({ conversations: [summary(current())], count: 1 }),
    [`GET /api/agent/conversations/${current().conversationId}`]: () => ok(current()),
    ...more,
  });
}

const open = (path = "/agent/5") => renderWithProviders(<AgentPage />, { path, route: "/agent/*" });
const composer = () => screen.getByRole("textbox", { name: "Your question" });

describe("the assistant's screen", () => {
  it("streams a turn: the question, each tool call as it starts and ends, the text, then the saved answer", async () => {
    const stream = controlledStream();
    let saved = false;
    const current = () => (saved ? conversation(5, [userMessage(10, Q), answer(11)]) : conversation(5));
    const { calls } = api(current, { "POST /api/agent/conversations/5/messages": () => stream.response() });
    open();
    expect(await screen.findByRole("heading", { level: 2, name: "Conversation 5" })).toBeInTheDocument();
    expect(await screen.findByTestId("agent-status")).toHaveTextContent("openai · gpt-testToday: 3 / 200 requests · 1,234 / 200,000 tokens");
    expect(screen.getByRole("button", { name: "How risky is my portfolio?" })).toBeInTheDocument();

    fireEvent.change(composer(), { target: { value: Q } });
    fireEvent.keyDown(composer(), { key: "Enter" });
    await waitFor(() => expect(composer()).toBeDisabled());
    expect(composer()).toHaveValue("");
    expect(screen.getByRole("article", { name: "Your question" })).toHaveTextContent(Q);
    const post = calls.find((c) => c.route === "POST /api/agent/conversations/5/messages");
    expect(post?.body).toEqual({ content: Q });
    const init = vi.mocked(fetch).mock.calls.find(([url]) => typeof url === "string" && url.endsWith("/messages"))?.[1];
    expect(init?.headers).toMatchObject({ Authorization: "Bearer token-a" });
    const live = screen.getByTestId("answer");
    expect(live).toHaveTextContent("Thinking…");
    await waitFor(() => expect(live).toHaveFocus());

    const toolCall = sse("tool_call", { ref: "T1", tool: "technical_analysis", arguments: { symbol: "BTC-USD" }, step: 1 });
    act(() => {
      stream.send(sse("turn", { conversationId: 5, userMessageId: 10, messageId: 11 }) + toolCall.slice(0, 25));
      stream.send(toolCall.slice(25));
    });
    expect(await within(live).findByText("Calling technical_analysis(symbol BTC-USD)…")).toBeInTheDocument();
    expect(screen.getByRole("status", { name: "" })).toHaveTextContent("Calling technical_analysis…");

    const { ref, tool, status: st, result, source, asOf, durationMs } = rsiCall();
    act(() => stream.send(sse("tool_result", { ref, tool, status: st, result, source, asOf, durationMs }).replace(/\n/g, "\r\n")));
    expect(await within(live).findByText("✓ technical_analysis · cryptomon-candles · as of 2026-11-24 10:00 UTC · 12 ms")).toBeInTheDocument();

    act(() => stream.send(sse("token", { text: "BTC's RSI(14) is 48.2 " }) + sse("token", { text: "[T1]: neutral." })));
    await waitFor(() => expect(within(live).getByTestId("answer-text")).toHaveTextContent("BTC's RSI(14) is 48.2 T1: neutral."));
    fireEvent.click(within(live).getByRole("button", { name: "Source T1: technical_analysis" }));
    expect(within(live).getByTestId("tool-call-T1").querySelector("button")).toHaveAttribute("aria-expanded", "true");

    saved = true;
    act(() => {
      stream.send(sse("answer", { turn: answer(11) }));
      stream.close();
    });
    expect(await screen.findByRole("button", { name: "Create this alert" })).toBeInTheDocument();
    await waitFor(() => expect(composer()).toBeEnabled());
    // The saved message took the streamed one's place: the same element, still open on T1, which the citation focused.
    expect(screen.getByTestId("answer")).toBe(live);
    const t1 = within(live).getByTestId("tool-call-T1").querySelector("button");
    expect(t1).toHaveAttribute("aria-expanded", "true");
    expect(t1).toHaveFocus();
    expect(within(live).getByTestId("answer-text")).toHaveTextContent("I propose an alert above 150,000 T2.");
    expect(within(live).getByTestId("sources")).toHaveTextContent("technical_analysis · cryptomon-candles · as of 2026-11-24 10:00 UTC");
    expect(screen.getAllByRole("article", { name: "Your question" })).toHaveLength(1);
    expect(calls.filter((c) => c.route === "GET /api/agent/conversations/5").length).toBeGreaterThanOrEqual(2);
    expect(screen.getByRole("status", { name: "" })).toHaveTextContent("The answer is ready.");
  });

  it("shows a stream's error in the turn with its code, keeps the question, and lets the user ask again", async () => {
    const stream = controlledStream();
    const failed = answer(11, { content: "", status: "FAILED", error: { code: "PROVIDER_UNAVAILABLE", message: "The model server answered 500." }, toolCalls: [], citations: [], proposals: [] });
    let saved = false;
    const current = () => (saved ? conversation(5, [userMessage(10, "__error__"), failed]) : conversation(5));
    api(current, { "POST /api/agent/conversations/5/messages": () => stream.response() });
    open();
    fireEvent.change(await screen.findByRole("textbox", { name: "Your question" }), { target: { value: "__error__" } });
    fireEvent.click(screen.getByRole("button", { name: "Send" }));
    await waitFor(() => expect(composer()).toBeDisabled());
    saved = true;
    act(() => {
      stream.send(sse("turn", { conversationId: 5, userMessageId: 10, messageId: 11 }));
      stream.send(sse("error", { code: "PROVIDER_UNAVAILABLE", message: "The model server answered 500.", turn: failed }));
      stream.close();
    });
    const alert = await screen.findByTestId("turn-error");
    expect(alert).toHaveAttribute("role", "alert");
    expect(alert).toHaveTextContent(/PROVIDER_UNAVAILABLE\s*The model server answered 500\./);
    expect(screen.getByRole("article", { name: "Your question" })).toHaveTextContent("__error__");
    await waitFor(() => expect(composer()).toBeEnabled());
  });

  it("reports a stream cut short as a lost connection", async () => {
    const stream = controlledStream();
    api(() => conversation(5), { "POST /api/agent/conversations/5/messages": () => stream.response() });
    open();
    fireEvent.change(await screen.findByRole("textbox", { name: "Your question" }), { target: { value: "hi" } });
    fireEvent.click(screen.getByRole("button", { name: "Send" }));
    await waitFor(() => expect(composer()).toBeDisabled());
    act(() => {
      stream.send(sse("token", { text: "Hel" }));
      stream.close();
    });
    expect(await screen.findByTestId("turn-error")).toHaveTextContent("CONNECTION_LOST");
    expect(screen.getByTestId("answer-text")).toHaveTextContent("Hel");
    await waitFor(() => expect(composer()).toBeEnabled());
  });

  it("keeps the text and says why when the API refuses the message before streaming", async () => {
    api(() => conversation(5), {
      "POST /api/agent/conversations/5/messages": () => fail(429, "RATE_LIMITED", "The daily token budget (200000) is used up; it resets at 00:00 UTC."),
    });
    open();
    fireEvent.change(await screen.findByRole("textbox", { name: "Your question" }), { target: { value: "How risky?" } });
    fireEvent.click(screen.getByRole("button", { name: "Send" }));
    const error = await screen.findByTestId("composer-error");
    expect(error).toHaveTextContent(/Today's assistant budget is used up\s*RATE_LIMITED/);
    expect(composer()).toHaveValue("How risky?");
    expect(composer()).toBeEnabled();
    expect(screen.queryByRole("article", { name: "Your question" })).not.toBeInTheDocument();
  });

  it("sends with Enter, not Shift+Enter, and counts the characters up to 4000", async () => {
    const { calls } = api(() => conversation(5));
    open();
    const box = await screen.findByRole("textbox", { name: "Your question" });
    expect(box).toHaveAttribute("maxLength", "4000");
    fireEvent.change(box, { target: { value: "Hello" } });
    expect(screen.getByTestId("composer-count")).toHaveTextContent("5 / 4000");
    fireEvent.keyDown(box, { key: "Enter", shiftKey: true });
    fireEvent.change(box, { target: { value: "   " } });
    fireEvent.keyDown(box, { key: "Enter" });
    expect(screen.getByRole("button", { name: "Send" })).toBeDisabled();
    expect(calls.some((c) => c.route.startsWith("POST"))).toBe(false);
  });

  it("without a model: says so with the setup text, and has no composer", async () => {
    const agent = status({ configured: false, provider: null, model: null, problem: "CRYPTOMON_LLM_PROVIDER is not set" });
    api(() => conversation(5, [userMessage(10, "Earlier question")]), {}, agent);
    open();
    expect(await screen.findByText("No language model is configured")).toBeInTheDocument();
    expect(screen.getByTestId("agent-not-configured").querySelector("pre")).toHaveTextContent(/^Set CRYPTOMON_LLM_PROVIDER=openai\s+and CRYPTOMON_LLM_API_KEY=sk-\.\.\.$/);
    expect(screen.getByTestId("agent-not-configured")).toHaveTextContent("Why: CRYPTOMON_LLM_PROVIDER is not set");
    expect(screen.getByText("Earlier question")).toBeInTheDocument(); // the history can still be read
    expect(screen.queryByRole("textbox", { name: "Your question" })).not.toBeInTheDocument();
    expect(screen.getByTestId("agent-status")).toHaveTextContent("No model configured");

    // The start screen too.
    serve({
      "GET /api/agent/status": () => ok(agent),
      "GET /api/agent/conversations": () => ok({ conversations: [], count: 0 }),
    });
    open("/agent");
    expect(await screen.findAllByText("No language model is configured")).not.toHaveLength(0);
  });

  it("with no conversation yet: starter questions that start one named after the question and ask it", async () => {
    const stream = controlledStream();
    const made = conversation(8, [], { title: "What is the RSI of BTC right now?" });
    const { calls } = serve({
      "GET /api/agent/status": () => ok(status()),
      "GET /api/agent/conversations": () => ok({ conversations: [], count: 0 }),
      "POST /api/agent/conversations": () => ok(made, 201),
      "GET /api/agent/conversations/8": () => ok(made),
      "POST /api/agent/conversations/8/messages": () => stream.response(),
    });
    open("/agent");
    expect(await screen.findByText("No conversations yet: ask a question to start one.")).toBeInTheDocument();
    fireEvent.click(await screen.findByRole("button", { name: "What is the RSI of BTC right now?" }));
    expect(await screen.findByRole("heading", { level: 2, name: "What is the RSI of BTC right now?" })).toBeInTheDocument();
    await waitFor(() => expect(calls.find((c) => c.route === "POST /api/agent/conversations/8/messages")?.body).toEqual({ content: "What is the RSI of BTC right now?" }));
    expect(calls.find((c) => c.route === "POST /api/agent/conversations")?.body).toEqual({ title: "What is the RSI of BTC right now?", allowActions: false });
    expect(document.title).toBe("What is the RSI of BTC right now? · Research assistant · Cryptomon");
    act(() => stream.close());
  });

  it("creates, switches on actions for, and deletes a conversation", async () => {
    let current = conversation(5);
    const made = conversation(6, [], { title: "New conversation" });
    const { calls } = serve({
      "GET /api/agent/status": () => ok(status()),
      "GET /api/agent/conversations": () => ok({ conversations: [summary(current)], count: 1 }),
      "GET /api/agent/conversations/5": () => ok(current),
      "PATCH /api/agent/conversations/5": (_, body) => {
        current = { ...current, ...(body as Partial<Conversation>) };
        return ok(current);
      },
      "DELETE /api/agent/conversations/5": () => new Response(null, { status: 204 }),
      "POST /api/agent/conversations": () => ok(made, 201),
      "GET /api/agent/conversations/6": () => ok(made),
    });
    open();
    const allow = await screen.findByRole("checkbox", { name: "Allow actions" });
    expect(allow).not.toBeChecked();
    expect(screen.getByTestId("allow-help")).toHaveTextContent("only proposes alerts and backtests");
    fireEvent.click(allow);
    await waitFor(() => expect(allow).toBeChecked());
    expect(calls.find((c) => c.route === "PATCH /api/agent/conversations/5")?.body).toEqual({ allowActions: true });
    expect(screen.getByTestId("allow-help")).toHaveTextContent("may create alerts and save backtests itself when you ask it to (create_alert, save_backtest)");

    fireEvent.click(screen.getByRole("button", { name: "Rename" }));
    fireEvent.change(screen.getByRole("textbox", { name: "Title" }), { target: { value: "BTC questions" } });
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    expect(await screen.findByRole("heading", { level: 2, name: "BTC questions" })).toBeInTheDocument();
    expect(calls.filter((c) => c.route === "PATCH /api/agent/conversations/5").at(-1)?.body).toEqual({ title: "BTC questions" });

    fireEvent.click(screen.getByRole("button", { name: "Delete this conversation" }));
    fireEvent.click(screen.getByRole("button", { name: "Delete “BTC questions” and its messages" }));
    expect(await screen.findByText("Deleted “BTC questions”.")).toBeInTheDocument();
    expect(screen.getByRole("heading", { level: 2, name: "Ask the research assistant" })).toHaveFocus();
    expect(calls.some((c) => c.route === "DELETE /api/agent/conversations/5")).toBe(true);

    fireEvent.click(screen.getByRole("button", { name: "New conversation" }));
    expect(await screen.findByRole("heading", { level: 2, name: "New conversation" })).toBeInTheDocument();
    await waitFor(() => expect(composer()).toHaveFocus());
    expect(calls.find((c) => c.route === "POST /api/agent/conversations")?.body).toEqual({ allowActions: false });
  });
});
