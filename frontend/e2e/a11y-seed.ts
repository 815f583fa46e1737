import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { adminHeaders, dataOf } from "./helpers";

interface Session {
  tokens: { accessToken: string; refreshToken: string };
  user: { id: number; email: string; role: string };
}

export interface Seed extends Session {
  admin: Record<string, string>;
  close: number; // BTC-USD's last stored 1h close, the base of the pushed prices
  portfolioId: number; // "A11y Growth": USDT deposited, BTC-USD bought, targets 80 / 20 (drifted)
  postId: number; // a community post sharing a backtest and a link, with a comment and a reply
  conversationId: number; // a research assistant's conversation: a tool call, a cited answer, an alert proposal
}

let seeded: Promise<Seed> | null = null;

async function post<T>(request: APIRequestContext, url: string, data: unknown, headers: Record<string, string>): Promise<T> {
  const response = await request.post(url, { data, headers });
  expect(response.ok(), `${url}: ${response.status()} ${await response.text()}`).toBeTruthy();
  return dataOf<T>(response);
}

/** One account for the whole run (sign-ins are rate limited), with a BTC-USD price and an alert in each
 * state the backend reaches on its own: ACTIVE, PAUSED and TRIGGERED (its IN_APP delivery DELIVERED). */
async function seed(request: APIRequestContext): Promise<Seed> {
  const email = `a11y-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
  const session = await post<Session>(request, "/api/auth/register", { email, password: "a11y-password-123" }, {});
  const admin = await adminHeaders(request);
  const auth = { Authorization: `Bearer ${session.tokens.accessToken}` };
  const last = await request.get("/api/data/historical?symbol=BTC-USD&interval=1h&limit=1", { headers: auth });
  const close = (await dataOf<{ data: { close: number }[] }>(last)).data.at(-1)?.close ?? 75_000;
  const value: Seed = { ...session, admin, close, portfolioId: 0, postId: 0, conversationId: 0 };
  await pushPrice(request, value, 1);

  // A portfolio that holds each of its targets (its analysis has every figure): cash deposited, BTC-USD bought
  // on recorded days, the weights drifted out of the band.
  const portfolio = await post<{ portfolioId: number }>(
    request,
    "/api/portfolios",
    { userId: session.user.id, name: "A11y Growth", riskProfile: "HIGH", targetAllocations: { "BTC-USD": "0.8", USDT: "0.2" } },
    auth,
  );
  value.portfolioId = portfolio.portfolioId;
  const transactions = `/api/portfolios/${portfolio.portfolioId}/transactions`;
  await post(request, transactions, { kind: "DEPOSIT", symbol: "USDT", quantity: 10000, price: 1, executedAt: "2025-06-01T00:00:00Z" }, auth);
  const buy = { kind: "BUY", symbol: "BTC-USD", quantity: 0.1, price: Math.round(close * 0.9), fee: 5, executedAt: "2025-06-02T00:00:00Z" };
  await post(request, transactions, buy, auth);
  await post(request, transactions, { ...buy, kind: "SELL", quantity: 0.03, price: Math.round(close * 0.95), fee: 3, executedAt: "2025-08-02T00:00:00Z" }, auth);

  const alert = (threshold: number) => ({
    userId: session.user.id,
    symbol: "BTC-USD",
    condition: "PRICE_ABOVE",
    threshold: Math.round(threshold),
    channels: ["IN_APP"],
  });
  await post(request, "/api/alerts", alert(close * 3), auth); // stays ACTIVE
  const paused = await post<{ id: number }>(request, "/api/alerts", alert(close * 4), auth);
  await post(request, `/api/alerts/${session.user.id}/${paused.id}/pause`, {}, auth);
  const fires = await post<{ id: number }>(request, "/api/alerts", alert(close * 0.5), auth); // the next price fires it
  await pushPrice(request, value, 1.0002);
  await expect
    .poll(async () => {
      const got = await request.get(`/api/alerts/${session.user.id}/history?alertId=${fires.id}`, { headers: auth });
      const triggers = (await dataOf<{ triggers: { channels: { status: string }[] }[] }>(got)).triggers;
      return triggers[0]?.channels[0]?.status;
    })
    .toBe("DELIVERED");

  // A community post sharing a backtest (its metrics and equity curve) and a link, with a threaded comment.
  const run = await post<{ backtestId: string }>(
    request,
    "/api/backtest/strategy",
    { strategyName: "RSI Mean Reversion", symbol: "BTC-USD", interval: "1h", from: "2025-02-01T00:00:00Z", to: "2025-12-01T00:00:00Z" },
    auth,
  );
  const shared = await post<{ postId: number }>(
    request,
    "/api/community/posts",
    {
      userId: session.user.id,
      title: "RSI mean reversion on $BTC, 1h",
      content: "Buying $BTC under RSI **30**, selling above 70.\n\n- fees 0.1%\n- no stops",
      tags: ["RSI", "technical analysis"],
      attachments: [{ type: "BACKTEST", id: run.backtestId }, "https://example.org/notes"],
    },
    auth,
  );
  value.postId = shared.postId;
  const first = await post<{ commentId: number }>(request, `/api/community/posts/${shared.postId}/comments`, { content: "Did you try the 4h?" }, auth);
  await post(request, `/api/community/posts/${shared.postId}/comments`, { content: "Not yet, next week.", parentId: first.commentId }, auth);

  // A conversation with the research assistant (the scripted model of scripts/e2e.mjs): the answer's stream read whole.
  const conversation = await post<{ conversationId: number }>(request, "/api/agent/conversations", { allowActions: false }, auth);
  value.conversationId = conversation.conversationId;
  const asked = await request.post(`/api/agent/conversations/${conversation.conversationId}/messages`, {
    data: { content: "What is the RSI of BTC? Also set an alert above 150000" },
    headers: auth,
  });
  expect(await asked.text()).toContain("event: answer");
  return value;
}

/** Pushes BTC-USD at the seeded price times `factor` (the e2e backend's prices come only from pushes). */
export async function pushPrice(request: APIRequestContext, seed: Seed, factor: number): Promise<void> {
  const price = Math.round(seed.close * factor * 100) / 100;
  const tick = { symbol: "BTC-USD", price, volume: 0.5, timestamp: new Date().toISOString() };
  await post(request, "/api/data/ticks", { ticks: [tick] }, seed.admin);
}

/** The run's seeded account, made by the first test that asks. Kept in a file of the run's output folder
 * (emptied when a run starts) because Playwright starts a new worker after each failed test. */
export function seedAccount(request: APIRequestContext): Promise<Seed> {
  const file = join(test.info().project.outputDir, "a11y-seed.json");
  seeded ??= existsSync(file)
    ? Promise.resolve(JSON.parse(readFileSync(file, "utf8")) as Seed)
    : seed(request).then((value) => {
        mkdirSync(test.info().project.outputDir, { recursive: true });
        writeFileSync(file, JSON.stringify(value));
        return value;
      });
  return seeded;
}

/** Opens `path` in `theme`, signed in as the seeded user (or signed out), without a sign-in request. */
export async function openAs(page: Page, session: Session | null, theme: "light" | "dark", path: string): Promise<void> {
  await page.emulateMedia({ colorScheme: theme });
  await page.addInitScript(
    ([session, theme]) => {
      localStorage.setItem("cryptomon.ui", JSON.stringify({ state: { theme, unread: 0 }, version: 0 }));
      if (session) localStorage.setItem("cryptomon.session", JSON.stringify({ state: session, version: 0 }));
      else localStorage.removeItem("cryptomon.session");
    },
    [session ? { tokens: session.tokens, user: session.user } : null, theme] as const,
  );
  await page.goto(path);
}
