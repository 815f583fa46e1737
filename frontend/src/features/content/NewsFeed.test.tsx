import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { mockApi, renderWithProviders } from "@/test/utils";
import { newsPage, story } from "./fixtures";
import { NewsCard } from "./NewsCard";
import NewsFeed, { NEWS_PAGE } from "./NewsFeed";

const me = { id: 7, email: "a@example.com", displayName: null, role: "user", createdAt: "2026-01-01T00:00:00Z", preferences: { timezone: "UTC", watchlist: ["BTC-USD", "ETH-USD"] } };

describe("a news card", () => {
  it("opens the story in a new tab without giving it the app, and shows source, relevance, time and symbols", () => {
    renderWithProviders(<NewsCard story={story(5, { symbols: ["ETH-USD", "BTC-USD"], relevanceScore: 0.456, snapshot: true })} />);
    const link = screen.getByRole("link", { name: "Ethereum upgrade progress 5 (opens in a new tab)" });
    expect(link).toHaveAttribute("target", "_blank");
    expect(link).toHaveAttribute("rel", "noopener noreferrer");
    expect(screen.getByTestId("news-source")).toHaveTextContent("CoinDesk");
    expect(screen.getByTestId("news-relevance")).toHaveTextContent("46% relevant to you");
    expect(within(screen.getByRole("list", { name: "Mentions" })).getAllByRole("listitem").map((li) => li.textContent)).toEqual(["ETH-USD", "BTC-USD"]);
    expect(screen.getByText("Snapshot, not live")).toBeInTheDocument();
    expect(screen.getByText("bullish")).toBeInTheDocument();
    expect(screen.getByRole("article").querySelector("time")).toHaveAttribute("dateTime", "2026-11-23T09:30:00Z");
  });
});

describe("the news feed", () => {
  it("filters by a watchlist symbol and words, sorts, and pages", async () => {
    const many = Array.from({ length: NEWS_PAGE }, (_, i) => story(i + 1));
    const calls = mockApi({
      "GET /api/users/me": { body: me },
      "GET /api/content/news": ({ search }) => ({ body: newsPage(many, { count: 45, snapshot: search.get("symbol") === "ETH-USD" }) }),
    });
    renderWithProviders(<NewsFeed />, { path: "/news" });
    expect(await screen.findByText("45 stories")).toBeInTheDocument();
    const news = () => calls.filter((c) => c.route === "GET /api/content/news").map((c) => Object.fromEntries(c.search));
    expect(news()[0]).toEqual({ sort: "relevance", limit: "20", offset: "0" });
    await waitFor(() => expect(document.querySelectorAll("#news-symbol-options option")).toHaveLength(2));

    fireEvent.change(screen.getByLabelText("Asset"), { target: { value: "eth-usd" } });
    fireEvent.change(screen.getByLabelText("Words"), { target: { value: "upgrade" } });
    fireEvent.click(screen.getByRole("button", { name: "Search" }));
    expect(await screen.findByText("45 stories mentioning ETH-USD with “upgrade”")).toBeInTheDocument();
    expect(news().at(-1)).toEqual({ symbol: "ETH-USD", q: "upgrade", sort: "relevance", limit: "20", offset: "0" });
    expect(screen.getByTestId("news-results")).toHaveFocus();
    await waitFor(() => expect(screen.getByTestId("news-notice")).toHaveTextContent("not from the live feeds"));

    fireEvent.change(screen.getByLabelText("Sort"), { target: { value: "recent" } });
    await waitFor(() => expect(news().at(-1)).toMatchObject({ sort: "recent", symbol: "ETH-USD" }));
    fireEvent.click(screen.getByRole("button", { name: "Next page" }));
    await waitFor(() => expect(news().at(-1)).toMatchObject({ offset: "20", sort: "recent" }));
    expect(await screen.findByText("21–40 of 45")).toBeInTheDocument();
  });

  it("says when there is no news yet, and when nothing matches", async () => {
    mockApi({ "GET /api/users/me": { body: me }, "GET /api/content/news": { body: newsPage([], { asOf: null }) } });
    renderWithProviders(<NewsFeed />, { path: "/news" });
    expect(await screen.findByText("No news yet")).toBeInTheDocument();
    fireEvent.change(screen.getByLabelText("Words"), { target: { value: "nothing" } });
    fireEvent.click(screen.getByRole("button", { name: "Search" }));
    expect(await screen.findByText("No stories match")).toBeInTheDocument();
  });
});
