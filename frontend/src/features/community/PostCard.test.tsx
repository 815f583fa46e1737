import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { mockApi, renderWithProviders } from "@/test/utils";
import { card, me, moderatorMe, page } from "./fixtures";
import ForumList from "./ForumList";
import { PostCard } from "./PostCard";

describe("a post card", () => {
  it("shows title, author with reputation, age, tags, symbols, score, comments and each kind of attachment once", () => {
    renderWithProviders(<PostCard post={card(3, { attachmentTypes: ["BACKTEST", "UPLOAD", "IMAGE"], comments: 1 })} />);
    const article = screen.getByRole("article", { name: "RSI divergences on $BTC 3" });
    expect(within(article).getByRole("link", { name: "RSI divergences on $BTC 3" })).toHaveAttribute("href", "/community/posts/3");
    expect(within(article).getByRole("link", { name: "satoshi" })).toHaveAttribute("href", "/community?author=satoshi");
    expect(article).toHaveTextContent("42 rep");
    expect(article.querySelector("time")).toHaveTextContent(/2 hours ago/);
    const chips = within(article).getByRole("list", { name: "Tags and assets" });
    expect(within(chips).getByRole("link", { name: "#TECHNICAL_ANALYSIS" })).toHaveAttribute("href", "/community?tag=TECHNICAL_ANALYSIS");
    expect(within(chips).getByRole("link", { name: "BTC-USD" })).toHaveAttribute("href", "/community?symbol=BTC-USD");
    expect(within(article).getByTestId("score")).toHaveTextContent("4");
    expect(within(article).getAllByTestId("attachment-badge").map((b) => b.textContent)).toEqual(["Backtest", "Image"]);
    expect(within(article).getByRole("link", { name: "1 comment" })).toBeInTheDocument();
    expect(within(article).queryByText("Held for review")).not.toBeInTheDocument();
  });

  it("tells its author it is held for review, and why", () => {
    const held = { status: "HOLD_FOR_REVIEW" as const, reasons: [{ code: "LINKS", message: "Too many links" }] };
    renderWithProviders(<PostCard post={card(4, { moderation: held, status: "HIDDEN" })} />);
    expect(screen.getByText("Held for review")).toBeInTheDocument();
    expect(screen.getByText("Held for review: Too many links")).toBeInTheDocument();
    expect(screen.getByText("Hidden")).toBeInTheDocument();
  });

  it("votes up, and withdraws a vote given by pressing it again", async () => {
    const calls = mockApi({ "POST /api/community/posts/5/votes": { body: { upvotes: 6, downvotes: 1, score: 5, myVote: 1 } } });
    renderWithProviders(<PostCard post={card(5, { myVote: 1 })} />);
    const up = screen.getByRole("button", { name: "Upvote “RSI divergences on $BTC 5”" });
    expect(up).toHaveAttribute("aria-pressed", "true");
    fireEvent.click(up);
    await waitFor(() => expect(calls.map((c) => c.body)).toEqual([{ value: 0 }]));
    fireEvent.click(screen.getByRole("button", { name: "Downvote “RSI divergences on $BTC 5”" }));
    await waitFor(() => expect(calls.map((c) => c.body)).toEqual([{ value: 0 }, { value: -1 }]));
  });
});

describe("the forum list", () => {
  it("reads its filters from the URL, searches by relevance, and loads more", async () => {
    const calls = mockApi({
      "GET /api/users/me": { body: me },
      "GET /api/community/follows": { body: { items: [] } },
      "GET /api/community/posts": ({ search }) => ({
        body: search.get("offset") === "0" ? page([card(1), card(2)], { hasMore: true }) : page([card(3)], { offset: 20 }),
      }),
    });
    renderWithProviders(<ForumList />, { path: "/community?tag=technical%20analysis&symbol=btc-usd" });
    expect(await screen.findByRole("article", { name: "RSI divergences on $BTC 2" })).toBeInTheDocument();
    const lists = () => calls.filter((c) => c.route === "GET /api/community/posts").map((c) => Object.fromEntries(c.search));
    expect(lists()[0]).toEqual({ sort: "NEW", period: "week", limit: "20", offset: "0", tag: "TECHNICAL_ANALYSIS", symbol: "BTC-USD" });
    expect(screen.getByTestId("active-filters")).toHaveTextContent("Tag: #TECHNICAL_ANALYSIS");
    expect(screen.getByRole("button", { name: "Follow #TECHNICAL_ANALYSIS" })).toBeInTheDocument();

    fireEvent.click(screen.getByRole("button", { name: "Load more" }));
    expect(await screen.findByRole("article", { name: "RSI divergences on $BTC 3" })).toBeInTheDocument();
    await waitFor(() => expect(screen.getByRole("link", { name: "RSI divergences on $BTC 3" })).toHaveFocus()); // the first new one
    expect(lists().at(-1)).toMatchObject({ offset: "20" });
    expect(screen.queryByRole("button", { name: "Load more" })).not.toBeInTheDocument();

    fireEvent.change(screen.getByRole("searchbox", { name: "Search posts" }), { target: { value: "divergence" } });
    fireEvent.click(screen.getByRole("button", { name: "Search" }));
    await waitFor(() => expect(lists().at(-1)).toMatchObject({ sort: "RELEVANCE", q: "divergence", offset: "0" }));
    expect(screen.getByRole("radio", { name: "Best match" })).toHaveAttribute("aria-checked", "true");

    fireEvent.click(screen.getByRole("radio", { name: "Top" }));
    await waitFor(() => expect(lists().at(-1)).toMatchObject({ sort: "TOP", period: "week", q: "divergence" }));
    fireEvent.change(screen.getByRole("combobox", { name: "Period" }), { target: { value: "month" } });
    await waitFor(() => expect(lists().at(-1)).toMatchObject({ sort: "TOP", period: "month" }));
    expect(screen.queryByRole("link", { name: "Moderation queue" })).not.toBeInTheDocument();
  });

  it("offers to write the first post when there is none, and links moderators to the queue", async () => {
    mockApi({ "GET /api/users/me": { body: moderatorMe }, "GET /api/community/posts": { body: page([]) } });
    renderWithProviders(<ForumList />, { path: "/community" });
    expect(await screen.findByText("No posts yet")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Write the first post" })).toHaveAttribute("href", "/community/new");
    expect(await screen.findByRole("link", { name: "Moderation queue" })).toHaveAttribute("href", "/community/moderation");
  });
});
