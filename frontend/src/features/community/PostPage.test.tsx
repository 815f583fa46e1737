import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { useAuth } from "@/stores/auth";
import { mockApi, renderWithProviders } from "@/test/utils";
import { backtestAttachment, me, post, thread } from "./fixtures";
import PostPage from "./PostPage";

vi.mock("@/components/charts/LineChart", () => ({ LineChart: ({ label }: { label: string }) => <figure data-testid="attachment-equity">{label}</figure> }));

const alertAttachment = {
  attachmentId: 32,
  type: "ALERT" as const,
  title: "Alert: BTC-USD PRICE_ABOVE 150000",
  url: null,
  embeddable: false,
  sourceId: "3",
  cloneable: true,
  data: { symbol: "BTC-USD", condition: "PRICE_ABOVE", threshold: 150000, metadata: {}, frequency: "ONCE" },
};

beforeEach(() => useAuth.setState({ user: { id: 7, email: "ada@example.com", role: "user" }, tokens: { accessToken: "a", refreshToken: "r" } }));

describe("a post", () => {
  it("shows the server's HTML, a shared backtest's metrics and curve, an alert in words, and clones an insight", async () => {
    const calls = mockApi({
      "GET /api/users/me": { body: me },
      "GET /api/community/posts/12": { body: post({ attachments: [backtestAttachment(), alertAttachment] }) },
      "GET /api/community/posts/12/comments": { body: thread([]) },
      "GET /api/community/members/9": { body: { userId: 9, displayName: "satoshi", reputation: 42, votesReceived: 42, penalties: 0, posts: 3, followers: 2, following: false, bannedUntil: null } },
      "POST /api/community/posts/12/attachments/31/clone": { status: 201, body: { type: "BACKTEST", id: "BT-new1", url: "/research/backtest?run=BT-new1" } },
      "POST /api/community/follows": { status: 201, body: { kind: "USER", target: "9", createdAt: "2026-11-24T10:00:00Z" } },
    });
    renderWithProviders(<PostPage />, { path: "/community/posts/12", route: "/community/posts/:postId" });
    expect(await screen.findByRole("heading", { level: 1, name: "RSI divergences on $BTC 12" })).toBeInTheDocument();
    expect(within(screen.getByTestId("post-body")).getByRole("link", { name: "$BTC" })).toHaveAttribute("href", "/?symbol=BTC-USD");

    const metrics = screen.getByTestId("backtest-metrics");
    const value = (key: string) => metrics.querySelector(`tr[data-metric="${key}"] td`)?.textContent;
    expect(value("totalReturn")).toBe("+12.34%");
    expect(value("sharpeRatio")).toBe("1.42");
    expect(value("maxDrawdown")).toBe("-8.10%");
    expect(value("totalTrades")).toBe("17");
    expect(value("winRate")).toBe("58.8%");
    expect(screen.getByTestId("attachment-equity")).toHaveTextContent("Equity curve of Backtest: RSI Mean Reversion on BTC-USD 1h");
    expect(screen.getByTestId("alert-rule")).toHaveTextContent("BTC-USD: Price ≥ 150,000.00");

    fireEvent.click(screen.getByRole("button", { name: "Clone Backtest: RSI Mean Reversion on BTC-USD 1h to my account" }));
    expect(await screen.findByRole("link", { name: "Open your backtest" })).toHaveAttribute("href", "/research/backtest?run=BT-new1");

    fireEvent.click(await screen.findByRole("button", { name: "Follow satoshi" }));
    await waitFor(() => expect(calls.find((c) => c.route === "POST /api/community/follows")?.body).toEqual({ kind: "USER", target: "9" }));
    // Someone else's post: report, no edit or delete.
    expect(screen.getByRole("button", { name: "Report this post" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Edit this post" })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Delete this post" })).not.toBeInTheDocument();
  });

  it("tells its author it is held for review, and why", async () => {
    const held = { status: "HOLD_FOR_REVIEW" as const, reasons: [{ code: "NEW_ACCOUNT_LINKS", message: "Links from a new account" }] };
    mockApi({
      "GET /api/users/me": { body: me },
      "GET /api/community/posts/12": { body: post({ userId: 7, author: { userId: 7, displayName: "Ada", reputation: 0 }, moderation: held }) },
      "GET /api/community/posts/12/comments": { body: thread([]) },
    });
    renderWithProviders(<PostPage />, { path: "/community/posts/12", route: "/community/posts/:postId" });
    expect(await screen.findByTestId("held-banner")).toHaveTextContent("Held for review: Links from a new account");
    expect(screen.getByRole("button", { name: "Edit this post" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Delete this post" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /^Follow/ })).not.toBeInTheDocument();
  });

  it("says so when the post does not exist or is not shared with the reader", async () => {
    mockApi({ "GET /api/users/me": { body: me } });
    renderWithProviders(<PostPage />, { path: "/community/posts/99", route: "/community/posts/:postId" });
    expect(await screen.findByRole("heading", { level: 1, name: "No such post" })).toBeInTheDocument();
  });
});
