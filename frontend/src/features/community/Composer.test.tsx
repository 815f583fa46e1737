import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { useAuth } from "@/stores/auth";
import { apiError, mockApi, renderWithProviders } from "@/test/utils";
import Composer from "./Composer";
import { post } from "./fixtures";

const alert = { id: 3, symbol: "BTC-USD", condition: "PRICE_ABOVE", threshold: 150000, metadata: {} };
const run = { backtestId: "BT-abc123", strategyName: "RSI Mean Reversion", symbol: "BTC-USD", interval: "1h", results: { totalReturn: 0.1234 } };

function apiWith(publish: Parameters<typeof mockApi>[0][string]) {
  return mockApi({
    "GET /api/alerts/7": { body: { alerts: [alert], total: 1, active: 1 } },
    "GET /api/indicators/custom": { body: [] },
    "GET /api/backtest": { body: [run] },
    "POST /api/community/posts": publish,
  });
}

function fill(title: string, text: string) {
  fireEvent.change(screen.getByRole("textbox", { name: "Title" }), { target: { value: title } });
  fireEvent.change(screen.getByRole("textbox", { name: "Text" }), { target: { value: text } });
}

beforeEach(() => useAuth.setState({ user: { id: 7, email: "ada@example.com", role: "user" }, tokens: { accessToken: "a", refreshToken: "r" } }));

describe("the composer", () => {
  it("says what is missing before sending anything, and counts tags", async () => {
    const calls = apiWith({ body: post() });
    renderWithProviders(<Composer />, { path: "/community/new", route: "/community/new" });
    fireEvent.change(screen.getByRole("textbox", { name: "Tags" }), { target: { value: Array.from({ length: 11 }, (_, i) => `t${i}`).join(", ") } });
    fireEvent.click(screen.getByRole("button", { name: "Publish" }));
    expect(await screen.findByText("A title, please.")).toBeInTheDocument();
    expect(screen.getByText("Write the post first.")).toBeInTheDocument();
    expect(screen.getByText("At most 10 tags (you have 11).")).toBeInTheDocument();
    await waitFor(() => expect(screen.getByRole("textbox", { name: "Title" })).toHaveFocus());
    expect(calls.filter((c) => c.method === "POST")).toEqual([]);
  });

  it("previews the Markdown without running what it contains", () => {
    apiWith({ body: post() });
    renderWithProviders(<Composer />, { path: "/community/new", route: "/community/new" });
    fill("Title", "# Setup\n\n**Long** $BTC [bad](javascript:alert(1)) [docs](https://example.org)\n\n- one\n- two");
    fireEvent.click(screen.getByRole("tab", { name: "Preview" }));
    const preview = screen.getByTestId(/-content-preview$/);
    expect(within(preview).getByRole("heading", { level: 2, name: "Setup" })).toBeInTheDocument();
    expect(within(preview).getByText("Long").tagName).toBe("STRONG");
    expect(within(preview).getByRole("link", { name: "docs" })).toHaveAttribute("href", "https://example.org");
    expect(within(preview).queryByRole("link", { name: "bad" })).not.toBeInTheDocument();
    expect(preview).toHaveTextContent("[bad](javascript:alert(1))");
    expect(within(preview).getAllByRole("listitem")).toHaveLength(2);
  });

  it("attaches a backtest and a link from the picker, shows the API's errors by field and by attachment", async () => {
    const calls = apiWith(apiError(404, "NOT_FOUND", "You have no alert 3", "attachments[1]"));
    renderWithProviders(<Composer />, { path: "/community/new", route: "/community/new" });
    fill("My RSI backtest", "It works on the 1h.");
    fireEvent.change(screen.getByRole("textbox", { name: "Tags" }), { target: { value: "rsi, Technical analysis" } });
    expect(within(screen.getByTestId("tag-chips")).getAllByRole("listitem").map((li) => li.textContent)).toEqual(["#RSI", "#TECHNICAL_ANALYSIS"]);
    await screen.findByRole("option", { name: /RSI Mean Reversion · BTC-USD 1h · \+12\.34% \(BT-abc123\)/ });
    fireEvent.click(screen.getByRole("button", { name: "Attach the chosen backtest" }));
    fireEvent.click(screen.getByRole("button", { name: "Attach the chosen alert" }));
    fireEvent.change(screen.getByRole("textbox", { name: "Link or image address" }), { target: { value: "https://example.org/notes" } });
    fireEvent.click(screen.getByRole("button", { name: "Add link" }));
    expect(within(screen.getByTestId("attached")).getAllByRole("listitem")).toHaveLength(3);
    expect(screen.getByRole("heading", { name: "Attachments (3 of 5)" })).toBeInTheDocument();

    fireEvent.click(screen.getByRole("button", { name: "Publish" }));
    expect(await screen.findByTestId("attachment-error-1")).toHaveTextContent("You have no alert 3");
    expect(calls.find((c) => c.method === "POST")?.body).toEqual({
      userId: 7,
      title: "My RSI backtest",
      content: "It works on the 1h.",
      tags: ["RSI", "TECHNICAL_ANALYSIS"],
      visibility: "PUBLIC",
      attachments: [{ type: "BACKTEST", id: "BT-abc123" }, { type: "ALERT", id: "3" }, "https://example.org/notes"],
    });
  });

  it("shows a title error next to the title, and a refusal's reasons", async () => {
    let reply: { status: number; body: unknown } = apiError(422, "VALIDATION_ERROR", "title: String should have at most 300 characters", "title", [
      { field: "title", message: "String should have at most 300 characters" },
    ]);
    apiWith(() => reply);
    renderWithProviders(<Composer />, { path: "/community/new", route: "/community/new" });
    fill("x", "Buy now");
    fireEvent.click(screen.getByRole("button", { name: "Publish" }));
    expect(await screen.findByText("String should have at most 300 characters")).toHaveAttribute("id", expect.stringMatching(/-title-error$/));

    // A refusal's details are its reasons ({code, message}), not fields.
    const details = [
      { code: "SPAM", message: "Looks like spam." },
      { code: "PHISHING", message: "Links to a known phishing site." },
    ];
    reply = { status: 422, body: { status: "error", code: "CONTENT_REJECTED", message: "Not published: Spam. Phishing link.", field: "content", details } };
    fireEvent.click(screen.getByRole("button", { name: "Publish" }));
    const rejected = await screen.findByTestId("rejected");
    expect(within(rejected).getAllByRole("listitem").map((li) => li.textContent)).toEqual(["Looks like spam.", "Links to a known phishing site."]);
  });

  it("opens the new post", async () => {
    apiWith({ status: 201, body: post({ postId: 44 }) });
    renderWithProviders(<Composer />, { path: "/community/new", route: "/community/new" });
    fill("Hello", "First post");
    fireEvent.click(screen.getByRole("button", { name: "Publish" }));
    expect(await screen.findByText("elsewhere")).toBeInTheDocument();
  });
});
