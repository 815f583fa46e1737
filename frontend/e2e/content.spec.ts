import { expect, test, type APIRequestContext, type Locator, type Page } from "@playwright/test";
import { adminHeaders, dataOf, signUp, snapshot, type Account } from "./helpers";

// The content screens against the real backend: the daily digest, the news feed, Learn with a lesson's quiz and
// try-it link, and the digest settings. The news comes from the feeds' bundled recordings (no internet here),
// read once by an admin's refresh; BTC-USD's candles come from the replay backfill (scripts/e2e.mjs).

const auth = (account: Account) => ({ Authorization: `Bearer ${account.token}` });
// SHOTS=1 also writes the README's screenshots (docs/screenshots/web-*.png).
const shots = process.env.SHOTS === "1";
const shoot = async (page: Page, name: string) => {
  await page.evaluate(() => window.scrollTo(0, 0)); // the sticky navigation at the top, not over the content
  await snapshot(page, `content-${name}`);
  if (shots) await page.screenshot({ path: `../docs/screenshots/web-${name}.png`, fullPage: true });
};

async function seed(request: APIRequestContext, account: Account): Promise<void> {
  const admin = await adminHeaders(request);
  const refreshed = await request.post("/api/content/feeds/refresh", { headers: admin });
  expect(refreshed.ok(), await refreshed.text()).toBeTruthy();
  // A live BTC-USD price at its last close, so that the digest has a 24h move for it.
  const from = new Date(Date.now() - 2 * 86_400_000).toISOString().replace(/\.\d+Z$/, "Z");
  const last = await request.get(`/api/data/historical?symbol=BTC-USD&interval=1h&limit=100&from=${from}`, { headers: auth(account) });
  const newest = (await dataOf<{ data: { close: number }[] }>(last)).data.at(-1);
  expect(newest, "BTC-USD has 1h candles").toBeTruthy();
  const pushed = await request.post("/api/data/ticks", {
    headers: admin,
    data: { ticks: [{ symbol: "BTC-USD", price: newest!.close * 1.01, volume: 0.5, timestamp: new Date().toISOString() }] },
  });
  expect(pushed.ok()).toBeTruthy();
  const patched = await request.patch("/api/users/me", {
    headers: auth(account),
    data: { preferences: { watchlist: ["BTC-USD", "ETH-USD"], interests: ["TECHNICAL_ANALYSIS"], timezone: "Europe/Berlin" } },
  });
  expect(patched.ok()).toBeTruthy();
}

/** The option marked correct in each question's verdict, by question. */
async function correctOptions(quiz: Locator): Promise<string[]> {
  const questions = quiz.locator("fieldset");
  const count = await questions.count();
  const answers: string[] = [];
  for (let i = 0; i < count; i++) answers.push((await questions.nth(i).locator(".ct-option-correct").innerText()).trim());
  return answers;
}

/** A new user with the seeded market and news, on a fresh page; returns the console errors it logs. */
async function start(page: Page, request: APIRequestContext): Promise<{ account: Account; errors: string[] }> {
  const account = await signUp(page);
  await seed(request, account);
  await page.reload();
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) errors.push(message.text());
  });
  return { account, errors };
}

test("the digest: overview, movers, news and lessons; the news feed for one asset", async ({ page, request }) => {
  const { errors } = await start(page, request);
  const nav = page.getByRole("navigation", { name: "Main" });

  // The digest: overview, movers (BTC-USD is the user's), news cards with source and relevance, lessons.
  await nav.getByRole("link", { name: "Digest" }).click();
  await expect(page).toHaveTitle("Daily digest · Cryptomon");
  await expect(page.getByRole("heading", { level: 1, name: "Daily digest" })).toBeFocused();
  await expect(page.getByTestId("digest-summary")).not.toBeEmpty();
  await expect(page.getByTestId("digest-sentiment")).toHaveText(/Bullish|Bearish|Neutral/);
  await expect(page.getByTestId("digest-breadth")).toContainText("Advancers");
  const btc = page.getByTestId("mover-BTC-USD");
  await expect(btc).toContainText("Yours");
  await expect(btc).toContainText(/[+-]?\d+\.\d\d%/);
  const cards = page.getByTestId("digest-news").getByRole("article");
  await expect(cards.first()).toBeVisible();
  await expect(cards.first().getByTestId("news-source")).not.toBeEmpty();
  await expect(cards.first().getByTestId("news-relevance")).toHaveText(/\d+% relevant/);
  await expect(cards.first().getByRole("link").first()).toHaveAttribute("rel", "noopener noreferrer");
  await expect(page.getByTestId("digest-lessons").getByRole("article").first()).toBeVisible();
  await shoot(page, "digest");

  // News for one asset.
  await nav.getByRole("link", { name: "News" }).click();
  await expect(page).toHaveTitle("News · Cryptomon");
  await expect(page.getByTestId("news-results").getByRole("article").first()).toBeVisible();
  await page.getByLabel("Asset").fill("BTC-USD");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page.getByTestId("news-results")).toBeFocused();
  await expect(page.getByTestId("news-results").getByRole("status").first()).toContainText("mentioning BTC-USD");
  const filtered = page.getByTestId("news-results").getByRole("article");
  await expect(filtered.first()).toBeVisible();
  for (const card of await filtered.all()) await expect(card.getByRole("list", { name: "Mentions" })).toContainText("BTC-USD");
  await expect(page).toHaveURL(/symbol=BTC-USD/);
  await shoot(page, "news");
  expect(errors).toEqual([]);
});

test("Learn: a path's next lesson, its quiz retried to a pass, progress, and a try-it link", async ({ page, request }) => {
  const { errors } = await start(page, request);
  const nav = page.getByRole("navigation", { name: "Main" });

  // Learn: the first path's next lesson, its quiz answered wrong, then right from the explanations.
  await nav.getByRole("link", { name: "Learn" }).click();
  await expect(page).toHaveTitle("Learn · Cryptomon");
  const path = page.getByTestId("path-first-steps");
  await expect(path).toContainText("0 of 8 lessons");
  await shoot(page, "learn");
  const next = path.getByTestId("path-continue");
  const lessonTitle = (await next.innerText()).replace(/^(Start|Continue): /, "");
  await next.click();
  await expect(page.getByRole("heading", { level: 1, name: lessonTitle })).toBeFocused();
  await expect(page.getByTestId("lesson-status")).toContainText("In progress"); // opening it started it

  const quiz = page.getByRole("form", { name: "Quiz" });
  const questions = quiz.locator("fieldset");
  const count = await questions.count();
  expect(count).toBeGreaterThanOrEqual(3);
  for (let i = 0; i < count; i++) await questions.nth(i).getByRole("radio").first().check();
  await quiz.getByRole("button", { name: "Check my answers" }).click();
  await expect(quiz.getByTestId("quiz-score")).toBeFocused();
  const answers = await correctOptions(quiz);
  await quiz.getByRole("button", { name: "Try again" }).click();
  await expect(questions.first().getByRole("radio").first()).toBeFocused();
  for (let i = 0; i < count; i++) await questions.nth(i).getByRole("radio", { name: answers[i], exact: true }).check();
  await quiz.getByRole("button", { name: "Check my answers" }).click();
  await expect(quiz.getByTestId("quiz-score")).toContainText(`${count} of ${count} correct (100%). Passed`);
  await expect(page.getByTestId("lesson-status")).toContainText(/Completed\s*Quiz best 100%/);
  await expect(page.getByTestId("next-lesson")).toBeVisible();

  await page.getByRole("link", { name: "All lessons" }).click();
  await expect(page.getByTestId("path-first-steps")).toContainText("1 of 8 lessons");
  await expect(page.getByTestId("path-first-steps").getByTestId("path-continue")).toContainText("Continue:");

  // A lesson's try-it link opens the alert form filled in.
  await page.goto("/learn/lessons/201");
  await expect(page.getByTestId("example")).toBeVisible();
  await expect(page.getByTestId("lesson-body").locator("h2").first()).toBeVisible();
  await shoot(page, "lesson");
  await page.getByRole("link", { name: "Alert me when BTC-USD's RSI(14) on 1h crosses up through 70" }).click();
  await expect(page).toHaveTitle("New alert · Alerts · Cryptomon");
  await expect(page.getByLabel("Symbol")).toHaveValue("BTC-USD");
  await expect(page.getByLabel("Condition")).toHaveValue("CROSSING_UP");
  await expect(page.getByLabel("Operand")).toHaveValue("INDICATOR");
  await expect(page.getByLabel("Indicator", { exact: true })).toHaveValue("RSI");
  await expect(page.getByLabel("period")).toHaveValue("14");
  await expect(page.getByLabel(/^Threshold/)).toHaveValue("70");
  await expect(page.getByLabel("Timeframe")).toHaveValue("1h");

  // ...and the backtest form, with the strategy's parameters.
  await page.goBack();
  await page.getByRole("link", { name: /^Backtest RSI Mean Reversion/ }).click();
  await expect(page).toHaveTitle("Backtests · Research · Cryptomon");
  const backtest = page.getByRole("form", { name: "Backtest" });
  await expect(backtest.getByLabel("Strategy")).toHaveValue("RSI Mean Reversion");
  await expect(backtest.getByLabel("RSI period")).toHaveValue("14");
  await expect(backtest.getByLabel("Buy threshold")).toHaveValue("30");
  await expect(backtest.getByLabel("Sell threshold")).toHaveValue("70");
  await expect(backtest.getByLabel("Period length")).toHaveValue("1y");
  expect(errors).toEqual([]);
});

test("Settings: the daily digest", async ({ page, request }) => {
  const { account, errors } = await start(page, request);
  const nav = page.getByRole("navigation", { name: "Main" });
  await nav.getByRole("link", { name: "Settings" }).click();
  const form = page.getByRole("form", { name: "Daily digest" });
  await form.getByRole("checkbox", { name: /Send me the daily digest/ }).check();
  await form.getByLabel("Hour (Europe/Berlin)").selectOption("18");
  await form.getByRole("checkbox", { name: "Email" }).uncheck();
  await form.getByRole("button", { name: "Save daily digest" }).click();
  await expect(page.getByText("Saved: Daily at 18:00 (Europe/Berlin) in the app")).toBeVisible();
  const me = await dataOf<{ preferences: { digest: unknown } }>(await request.get("/api/users/me", { headers: auth(account) }));
  expect(me.preferences.digest).toEqual({ enabled: true, hour: 18, channels: ["IN_APP"] });
  await snapshot(page, "content-settings");
  expect(errors).toEqual([]);
});

test("the digest says why there is none for a future day", async ({ page }) => {
  await signUp(page);
  await page.goto("/digest?date=2099-01-01");
  await expect(page.getByText("No digest for that day")).toBeVisible();
  await expect(page.getByTestId("digest-error")).not.toBeEmpty();
});

test("an unknown lesson says so", async ({ page }) => {
  await signUp(page);
  await page.goto("/learn/lessons/999999");
  await expect(page.getByRole("heading", { level: 1, name: "No such lesson" })).toBeVisible();
  await expect(page).toHaveTitle("No such lesson · Learn · Cryptomon");
});

test("the content screens on a phone: nothing clipped sideways", async ({ page, request }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await start(page, request);
  for (const [path, ready] of [
    ["/digest", "digest-summary"],
    ["/news", "news-results"],
    ["/learn", "path-first-steps"],
    ["/learn/lessons/201", "lesson-body"],
  ] as const) {
    await page.goto(path);
    await expect(page.getByTestId(ready)).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, path).toBeLessThanOrEqual(0);
  }
  await snapshot(page, "content-lesson-phone");
});
