import AxeBuilder from "@axe-core/playwright";
import { expect, test, type APIRequestContext, type Browser, type Page } from "@playwright/test";
import { type Account, dataOf, signUp, snapshot, watchConsole } from "./helpers";

// The community against the real backend: a member shares a backtest in a post through the composer's picker,
// another reads it, comments, votes and clones the backtest into their own account; a post held by the automatic
// checks goes through the moderators' queue. BTC-USD's 1h candles come from the replay backfill (scripts/e2e.mjs).

const auth = (account: Account) => ({ Authorization: `Bearer ${account.token}` });
// SHOTS=1 also writes the README's screenshots (docs/screenshots/web-*.png).
const shots = process.env.SHOTS === "1";
const shoot = async (page: Page, name: string) => {
  await page.evaluate(() => window.scrollTo(0, 0)); // the sticky navigation at the top, not over the content
  await snapshot(page, `community-${name}`);
  if (shots) await page.screenshot({ path: `../docs/screenshots/web-${name}.png`, fullPage: true });
};

/** An RSI Mean Reversion run on BTC-USD 1h over the recorded hours, made through the API as `account`. */
async function backtest(request: APIRequestContext, account: Account): Promise<string> {
  const body = { strategyName: "RSI Mean Reversion", symbol: "BTC-USD", interval: "1h", from: "2025-02-01T00:00:00Z", to: "2025-12-01T00:00:00Z" };
  const response = await request.post("/api/backtest/strategy", { data: body, headers: auth(account) });
  expect(response.ok(), await response.text()).toBeTruthy();
  return (await dataOf<{ backtestId: string }>(response)).backtestId;
}

/** A second member in a browser of their own. */
async function otherMember(browser: Browser): Promise<{ page: Page; account: Account; close: () => Promise<void> }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const account = await signUp(page);
  return { page, account, close: () => context.close() };
}

/** The admin (a moderator) signed in, in a browser of their own. */
async function moderator(browser: Browser, request: APIRequestContext): Promise<{ page: Page; close: () => Promise<void> }> {
  const email = process.env.E2E_ADMIN_EMAIL ?? "admin@e2e.example.com";
  const password = process.env.E2E_ADMIN_PASSWORD ?? "admin-password-123";
  const login = await request.post("/api/auth/login", { data: { email, password } });
  expect(login.ok()).toBeTruthy();
  const session = await dataOf<{ tokens: unknown; user: unknown }>(login);
  const context = await browser.newContext();
  await context.addInitScript((state) => localStorage.setItem("cryptomon.session", JSON.stringify({ state, version: 0 })), {
    tokens: session.tokens,
    user: session.user,
  });
  return { page: await context.newPage(), close: () => context.close() };
}

async function noSidewaysScroll(page: Page, what: string) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, what).toBeLessThanOrEqual(0);
}

test("a shared backtest: written with the picker, read, discussed, upvoted and cloned by another member", async ({ page, request, browser }) => {
  test.setTimeout(120_000);
  const errors = watchConsole(page);
  const author = await signUp(page);
  const runId = await backtest(request, author);
  const title = `RSI mean reversion on BTC, 1h (${Date.now()})`;

  // A writes the post in the composer, attaching the backtest from "My backtests".
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Community" }).click();
  await expect(page).toHaveTitle(/^Community · Cryptomon$/);
  await page.getByTestId("new-post").click();
  await expect(page).toHaveTitle("New post · Community · Cryptomon");
  await expect(page.getByRole("heading", { level: 1, name: "New post" })).toBeFocused();
  await page.getByRole("textbox", { name: "Title" }).fill(title);
  await page
    .getByRole("textbox", { name: "Text" })
    .fill("Buying $BTC when RSI(14) falls under **30** and selling above 70 did well on the 1h bars.\n\n- fees of 0.1% per fill\n- no stops");
  await page.getByRole("textbox", { name: "Tags" }).fill("RSI, technical analysis");
  await expect(page.getByTestId("tag-chips")).toHaveText(/#RSI\s*#TECHNICAL_ANALYSIS/);
  await page.getByRole("tab", { name: "Preview" }).click();
  await expect(page.getByTestId(/-content-preview$/).locator("strong")).toHaveText("30");
  await page.getByRole("tab", { name: "Write" }).click();
  await page.getByLabel("My backtests").selectOption(runId);
  await page.getByRole("button", { name: "Attach the chosen backtest" }).click();
  await expect(page.getByTestId("attached")).toContainText(runId);
  await shoot(page, "community-new");
  await page.getByRole("button", { name: "Publish" }).click();

  await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
  const postId = Number(/\/community\/posts\/(\d+)/.exec(page.url())?.[1]);
  expect(postId).toBeGreaterThan(0);
  await expect(page.getByTestId("post-body").getByRole("link", { name: "$BTC" })).toHaveAttribute("href", "/?symbol=BTC-USD");
  const metrics = page.getByTestId("backtest-metrics");
  await expect(metrics.locator('tr[data-metric="totalReturn"] td')).toHaveText(/^[+-]?\d+\.\d\d%$/);
  await expect(page.getByTestId("held-banner")).toHaveCount(0);

  // Two more posts, so that the forum shows a list.
  for (const more of [
    { title: "ETH/BTC ratio at a one-year low: rotation or capitulation?", content: "The $ETH / $BTC ratio keeps sliding. Watching the weekly close.", tags: ["ETH", "macro"] },
    { title: "My alert setup for breakouts", content: "Price crossing the 20-day high, confirmed by volume above its average.", tags: ["alerts", "breakouts"] },
  ]) {
    const made = await request.post("/api/community/posts", { headers: auth(author), data: { userId: author.userId, ...more } });
    expect(made.status(), await made.text()).toBe(201);
  }

  // B finds the post in the forum, reads the backtest, comments, upvotes and clones it.
  const reader = await otherMember(browser);
  const b = reader.page;
  const readerErrors = watchConsole(b);
  await b.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Community" }).click();
  const card = b.getByTestId(`post-card-${postId}`);
  await expect(card).toBeVisible();
  await expect(card.getByTestId("attachment-badge")).toHaveText("Backtest");
  await expect(card.getByRole("link", { name: "#RSI" })).toBeVisible();
  await expect(card.getByRole("link", { name: "BTC-USD" })).toBeVisible();
  await shoot(b, "community");
  await card.getByRole("link", { name: title }).click();
  await expect(b.getByRole("heading", { level: 1, name: title })).toBeFocused();
  await expect(b).toHaveTitle(`${title} · Community · Cryptomon`);
  const shared = b.getByTestId("backtest-metrics");
  for (const [metric, pattern] of [
    ["totalReturn", /^[+-]?\d+\.\d\d%$/],
    ["sharpeRatio", /^-?\d+\.\d\d$|^–$/],
    ["maxDrawdown", /^-?\d+\.\d\d%$/],
    ["totalTrades", /^\d+$/],
    ["winRate", /^\d+\.\d%$|^–$/],
  ] as const) {
    await expect(shared.locator(`tr[data-metric="${metric}"] td`), metric).toHaveText(pattern);
  }
  await expect(b.getByTestId("attachment-equity").locator("canvas").first()).toBeAttached();

  await b.getByRole("textbox", { name: "Add a comment" }).fill("Nice one. Did you try it on the 4h bars as well?");
  await b.getByRole("button", { name: "Comment", exact: true }).click();
  const comment = b.getByTestId("comment-thread").getByRole("article").first();
  await expect(comment).toContainText("Did you try it on the 4h bars");
  await expect(comment).toBeFocused();
  await expect(b.getByRole("heading", { name: "1 comment" })).toBeVisible();

  const votes = b.getByTestId("post-votes");
  await votes.getByRole("button", { name: "Upvote this post" }).click();
  await expect(votes.getByTestId("score")).toHaveText("1");
  await expect(votes.getByRole("button", { name: "Upvote this post" })).toHaveAttribute("aria-pressed", "true");
  await shoot(b, "community-post");

  await b.getByRole("button", { name: /^Clone Backtest: .* to my account$/ }).click();
  const open = b.getByTestId("clone-link");
  await expect(open).toHaveText("Open your backtest");
  const href = (await open.getAttribute("href")) ?? "";
  const cloneId = /run=([\w-]+)/.exec(href)?.[1] ?? "";
  expect(cloneId).not.toBe(runId);
  await open.click();
  await expect(b).toHaveURL(new RegExp(`/research/backtest\\?run=${cloneId}`));
  await expect(b.getByTestId("equity-chart")).toBeVisible({ timeout: 30_000 });
  await expect(b.getByTestId("runs-table")).toContainText("RSI Mean Reversion");
  // The copy is B's: B reads it, A does not.
  expect((await request.get(`/api/backtest/${cloneId}`, { headers: auth(reader.account) })).ok()).toBeTruthy();
  expect((await request.get(`/api/backtest/${cloneId}`, { headers: auth(author) })).ok()).toBeFalsy();

  // A sees the comment and the vote.
  await page.reload();
  await expect(page.getByTestId("post-votes").getByTestId("score")).toHaveText("1");
  await expect(page.getByTestId("comment-thread")).toContainText("Did you try it on the 4h bars");
  expect(readerErrors).toEqual([]);
  expect(errors).toEqual([]);
  await reader.close();
});

// A 2x2 PNG (the API re-encodes uploads, so any real image does).
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==",
  "base64",
);

test("an image upload, editing with history, a threaded reply, a deleted comment's placeholder and deleting the post", async ({ page, browser }) => {
  const errors = watchConsole(page);
  await signUp(page);
  await page.goto("/community/new");
  await page.getByRole("textbox", { name: "Title" }).fill("My chart setup");
  await page.getByRole("textbox", { name: "Text" }).fill("Two moving averages and the RSI.");
  await page.getByLabel("Upload an image").setInputFiles({ name: "setup.png", mimeType: "image/png", buffer: PNG });
  await expect(page.getByTestId("attached")).toContainText("Image: setup.png");
  await page.getByRole("button", { name: "Publish" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "My chart setup" })).toBeVisible();
  const image = page.getByTestId("attachment-image").locator("img");
  await expect(image).toHaveAttribute("src", /^\/api\/community\/uploads\//);
  await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(2);
  const postUrl = page.url();

  // The author edits it; the earlier version is kept.
  await page.getByRole("button", { name: "Edit this post" }).click();
  await page.getByRole("textbox", { name: "Title" }).fill("My chart setup (updated)");
  await page.getByRole("textbox", { name: "Text" }).fill("Two moving averages, the RSI and volume.");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "My chart setup (updated)" })).toBeVisible();
  await expect(page.getByTestId("post-body")).toHaveText("Two moving averages, the RSI and volume.");
  await expect(page.getByRole("button", { name: "Edit this post" })).toBeFocused();
  await page.getByText("Earlier versions (1)").click();
  await expect(page.locator(".cm-revisions")).toContainText("Two moving averages and the RSI.");

  // Another member comments and edits it; the author replies; the member deletes theirs: the reply stays under a placeholder.
  const reader = await otherMember(browser);
  const b = reader.page;
  await b.goto(postUrl);
  await b.getByRole("textbox", { name: "Add a comment" }).fill("Which averages?");
  await b.getByRole("button", { name: "Comment", exact: true }).click();
  const mine = b.getByTestId("comment-thread").getByRole("listitem").first();
  await mine.getByRole("button", { name: /^Edit comment/ }).click();
  await mine.getByRole("textbox", { name: /^Edit comment/ }).fill("Which moving averages?");
  await mine.getByRole("button", { name: "Save" }).click();
  await expect(mine).toContainText("Which moving averages?");
  await expect(mine).toContainText("edited");

  await page.reload();
  await page.getByRole("button", { name: /^Reply to comment/ }).click();
  await page.getByRole("textbox", { name: /^Reply to comment/ }).fill("The 20 and the 50.");
  await page.getByRole("button", { name: "Reply", exact: true }).click();
  const thread = page.getByTestId("comment-thread").getByRole("listitem");
  await expect(thread).toHaveCount(2);
  await expect(thread.nth(1)).toHaveAttribute("data-depth", "1");
  await expect(thread.nth(1).getByRole("article")).toBeFocused();

  await b.reload();
  const first = b.getByTestId("comment-thread").getByRole("listitem").first();
  await first.getByRole("button", { name: /^Delete comment/ }).click();
  await first.getByRole("button", { name: /^Confirm deleting comment/ }).click();
  await expect(first).toContainText("[deleted]");
  await expect(b.getByTestId("comment-thread").getByRole("listitem").nth(1)).toContainText("The 20 and the 50.");
  await expect(b.getByRole("heading", { name: "1 comment" })).toBeVisible();
  await reader.close();

  // The author deletes the post: back to the forum, where it is gone.
  await page.reload();
  await page.getByRole("button", { name: "Delete this post" }).click();
  await page.getByRole("button", { name: "Confirm deleting this post" }).click();
  await expect(page).toHaveURL(/\/community$/);
  await expect(page.getByText("Post deleted")).toBeVisible();
  await expect(page.getByRole("link", { name: "My chart setup (updated)" })).toHaveCount(0);
  expect(errors).toEqual([]);
});

test("a post held by the automatic checks: its author is told why, a report, and the moderators' queue", async ({ page, request, browser }) => {
  const errors = watchConsole(page);
  const author = await signUp(page);
  // Six links: more than the checks let through without a moderator (app/community/moderation.py, max_links 5).
  const links = Array.from({ length: 6 }, (_, i) => `[source ${i + 1}](https://example.org/${i + 1})`).join(", ");
  const held = await request.post("/api/community/posts", {
    headers: auth(author),
    data: { userId: author.userId, title: "Where to read about RSI", content: `Reading list: ${links}.`, tags: ["RSI"], visibility: "PUBLIC" },
  });
  expect(held.status(), await held.text()).toBe(201);
  const heldPost = await dataOf<{ postId: number; moderation: { status: string } }>(held);
  expect(heldPost.moderation.status).toBe("HOLD_FOR_REVIEW");

  await page.goto(`/community/posts/${heldPost.postId}`);
  await expect(page.getByTestId("held-banner")).toContainText(/Held for review: .*link/i);
  await page.goto("/community");
  await expect(page.getByTestId(`post-card-${heldPost.postId}`).getByText("Held for review", { exact: true })).toBeVisible();

  // Another member reports a published post of the same author.
  const ok = await request.post("/api/community/posts", {
    headers: auth(author),
    data: { userId: author.userId, title: "RSI(2) for quick pullbacks", content: "A short RSI catches pullbacks in a trend.", tags: ["RSI"] },
  });
  const okPost = await dataOf<{ postId: number }>(ok);
  const reader = await otherMember(browser);
  await reader.page.goto(`/community/posts/${okPost.postId}`);
  await reader.page.getByRole("button", { name: "Report this post" }).click();
  await reader.page.getByLabel("Why should moderators look at this?").fill("Copied from a paid course without credit");
  await reader.page.getByRole("button", { name: "Send report" }).click();
  await expect(reader.page.getByText("Reported to the moderators")).toBeVisible();
  // The member sees no moderation link, and the queue is closed to them.
  await reader.page.goto("/community");
  await expect(reader.page.getByRole("link", { name: "Moderation queue" })).toHaveCount(0);
  await reader.page.goto("/community/moderation");
  await expect(reader.page.getByText("Moderators only")).toBeVisible();
  await reader.close();

  // The moderator: both in the queue with their reasons; approve one, lock the other; the log keeps both.
  const mod = await moderator(browser, request);
  const m = mod.page;
  const modErrors = watchConsole(m);
  await m.goto("/community");
  await m.getByRole("link", { name: "Moderation queue" }).click();
  await expect(m).toHaveTitle("Moderation · Community · Cryptomon");
  const heldItem = m.getByTestId(`queue-POST-${heldPost.postId}`);
  const reported = m.getByTestId(`queue-POST-${okPost.postId}`);
  await expect(heldItem).toContainText("Held by the automatic checks");
  await expect(heldItem).toContainText("SPAM_LINKS");
  await expect(reported).toContainText("Reported 1 time");
  await expect(reported).toContainText("Copied from a paid course without credit");

  await heldItem.getByRole("button", { name: `Approve post ${heldPost.postId}` }).click();
  await expect(heldItem.getByRole("alert")).toContainText("Give a reason");
  await heldItem.getByLabel("Reason").fill("Reading list, links are fine");
  await heldItem.getByRole("button", { name: `Approve post ${heldPost.postId}` }).click();
  await expect(heldItem).toHaveCount(0);
  await expect(m.getByTestId("moderation-log")).toContainText("Reading list, links are fine");
  await shoot(m, "community-moderation");
  // The queue is for moderators only, so e2e/a11y.spec.ts (a member's screens) does not reach it: axe here.
  const axe = await new AxeBuilder({ page: m }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze();
  const serious = axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.help}`);
  expect(serious).toEqual([]);
  await reported.getByLabel("Reason").fill("Reviewed: original, but locking the thread");
  await reported.getByRole("button", { name: `Lock post ${okPost.postId}` }).click();
  await expect(reported).toHaveCount(0);
  const log = m.getByTestId("moderation-log");
  await expect(log).toContainText("APPROVE");
  await expect(log).toContainText("Reading list, links are fine");
  await expect(log).toContainText("LOCK");

  // The approved post is published; the locked one takes no comments.
  await page.goto(`/community/posts/${heldPost.postId}`);
  await expect(page.getByRole("heading", { level: 1, name: "Where to read about RSI" })).toBeVisible();
  await expect(page.getByTestId("held-banner")).toHaveCount(0);
  await page.goto(`/community/posts/${okPost.postId}`);
  await expect(page.getByText("This post is locked: no new comments or votes.")).toBeVisible();
  expect(modErrors).toEqual([]);
  expect(errors).toEqual([]);
  await mod.close();
});

test("the community screens at 1280 and 390 pixels: nothing clipped sideways", async ({ page, request, browser }) => {
  const author = await signUp(page);
  const runId = await backtest(request, author);
  const created = await request.post("/api/community/posts", {
    headers: auth(author),
    data: {
      userId: author.userId,
      title: "A fairly long title about a backtest of RSI mean reversion on BTC-USD that wraps on a phone",
      content: "Long `code spans`, a [link](https://example.org/a/very/long/path/that/should/wrap/on/a/narrow/screen) and $ETH.",
      tags: ["RSI", "technical analysis", "backtests"],
      attachments: [{ type: "BACKTEST", id: runId }, "https://example.org/notes"],
    },
  });
  expect(created.status(), await created.text()).toBe(201);
  const postId = (await dataOf<{ postId: number }>(created)).postId;
  const reply = await request.post(`/api/community/posts/${postId}/comments`, { headers: auth(author), data: { content: "A first comment." } });
  const parentId = (await dataOf<{ commentId: number }>(reply)).commentId;
  let parent = parentId;
  for (let depth = 1; depth < 5; depth++) {
    const next = await request.post(`/api/community/posts/${postId}/comments`, {
      headers: auth(author),
      data: { content: `A reply at depth ${depth}, long enough to need wrapping on a narrow phone screen.`, parentId: parent },
    });
    expect(next.status(), await next.text()).toBe(201);
    parent = (await dataOf<{ commentId: number }>(next)).commentId;
  }
  const mod = await moderator(browser, request);
  for (const [width, height] of [
    [1280, 800],
    [390, 844],
  ] as const) {
    for (const p of [page, mod.page]) await p.setViewportSize({ width, height });
    for (const [path, ready] of [
      ["/community", `post-card-${postId}`],
      [`/community/posts/${postId}`, "comment-thread"],
      ["/community/new", "attached"],
    ] as const) {
      await page.goto(path);
      if (ready === "attached") await expect(page.getByRole("button", { name: "Publish" })).toBeVisible();
      else await expect(page.getByTestId(ready)).toBeVisible();
      await noSidewaysScroll(page, `${path} at ${width}px`);
      await snapshot(page, `community-${width}-${path.split("/").slice(2, 3).join("") || "forum"}`);
    }
    await mod.page.goto("/community/moderation");
    await expect(mod.page.getByRole("heading", { name: /Waiting for a moderator/ })).toBeVisible();
    await noSidewaysScroll(mod.page, `/community/moderation at ${width}px`);
    await snapshot(mod.page, `community-${width}-moderation`);
  }
  await page.goto(`/community/posts/${postId}`);
  await expect(page.getByTestId("backtest-metrics")).toBeVisible();
  await snapshot(page, "community-post-phone");
  await mod.close();
});
