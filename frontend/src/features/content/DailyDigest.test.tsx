import { screen, waitFor, within } from "@testing-library/react";
import { useAuth } from "@/stores/auth";
import { apiError, mockApi, renderWithProviders, type MockRoute } from "@/test/utils";
import DailyDigest from "./DailyDigest";
import { digest } from "./fixtures";

const me = { id: 7, email: "a@example.com", displayName: null, role: "user", createdAt: "2026-01-01T00:00:00Z", preferences: { timezone: "Europe/Berlin", watchlist: ["BTC-USD"] } };

function open(route: MockRoute, path = "/digest") {
  useAuth.setState({ tokens: { accessToken: "a", refreshToken: "r" }, user: { id: 7, email: "a@example.com", role: "user" } });
  const calls = mockApi({ "GET /api/users/me": { body: me }, "GET /api/content/daily-digest/7": route });
  renderWithProviders(<DailyDigest />, { path });
  return calls;
}

describe("the daily digest", () => {
  it("shows the market overview, movers (the user's own marked), portfolios, alerts, news and lessons", async () => {
    open({ body: digest });
    expect(await screen.findByTestId("digest-summary")).toHaveTextContent("Bitcoin rose 3.2%");
    expect(screen.getByTestId("digest-sentiment")).toHaveTextContent("Bullish");
    const breadth = screen.getByTestId("digest-breadth");
    expect(breadth).toHaveTextContent(/Advancers\s*▲ 3/);
    expect(breadth).toHaveTextContent(/Decliners\s*▼ 5/);
    expect(breadth).toHaveTextContent("+1.20%");
    const fearGreed = screen.getByTestId("digest-fear-greed");
    expect(fearGreed).toHaveTextContent(/64 Greed \(-4 in a day\)/);
    expect(within(fearGreed).getByTestId("fear-greed-snapshot")).toHaveTextContent("Snapshot, not live");
    expect(screen.getByTestId("digest-sources")).toHaveTextContent("Cryptomon candles as of 2026-11-24 06:00 UTC");

    const btc = screen.getByTestId("mover-BTC-USD");
    expect(btc).toHaveTextContent("Yours");
    expect(btc).toHaveTextContent("+3.20%");
    expect(screen.getByTestId("mover-SOL-USD")).toHaveTextContent("-8.10%");
    expect(screen.getByTestId("mover-SOL-USD")).not.toHaveTextContent("Yours");

    expect(screen.getByTestId("digest-alerts")).toHaveTextContent("2 alerts triggered");
    expect(screen.getByTestId("digest-portfolios")).toHaveTextContent(/Savings.*12,500\.5 USD.*\+2\.10% since 00:00 UTC/);

    const news = screen.getByTestId("news-11");
    expect(within(news).getByRole("link", { name: /Bitcoin ETF flows hit a record/ })).toHaveAttribute("href", "https://www.coindesk.com/etf");
    expect(within(news).getByTestId("news-source")).toHaveTextContent("CoinDesk");
    expect(within(news).getByTestId("news-relevance")).toHaveTextContent("87% relevant");

    const lesson = screen.getByTestId("digest-lesson-201");
    expect(within(lesson).getByRole("link", { name: "RSI on your own charts" })).toHaveAttribute("href", "/learn/lessons/201");
    expect(lesson).toHaveTextContent("You have RSI alerts");
    expect(lesson).toHaveTextContent("Intermediate");
  });

  it("asks for today in the account's time zone, or the day picked, and never offers a later one", async () => {
    const calls = open({ body: digest }, "/digest?date=2026-11-20");
    await screen.findByTestId("digest");
    expect(calls.find((c) => c.route === "GET /api/content/daily-digest/7")?.search.get("date")).toBe("2026-11-20");
    const input = screen.getByLabelText("Day");
    expect(input).toHaveValue("2026-11-20");
    expect(input).toHaveAttribute("max", expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) as string);
    expect(screen.getByText("Your day in Europe/Berlin")).toBeInTheDocument();
  });

  it("says when there is no news yet", async () => {
    open({ body: { ...digest, personalizedNews: [] } });
    expect(await screen.findByText("No news yet")).toBeInTheDocument();
  });

  it("shows the API's message for a future day", async () => {
    open(apiError(422, "VALIDATION_ERROR", "The date is in the future for your time zone", "date"), "/digest?date=2099-01-01");
    expect(await screen.findByText("No digest for that day")).toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId("digest-error")).toHaveTextContent("The date is in the future for your time zone"));
  });
});
