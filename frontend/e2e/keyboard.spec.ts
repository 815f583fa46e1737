import { expect, test, type Page } from "@playwright/test";
import { openAs, seedAccount } from "./a11y-seed";
import { signUp, snapshot } from "./helpers";

// Keyboard and screen-reader basics: a title per route, the skip link, focus after each action (never left on
// <body>), the interval radio group's arrow keys.

/** What has focus: its tag, accessible name hints and test id, for readable failures. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return "body";
    return [el.tagName.toLowerCase(), el.id && `#${el.id}`, el.getAttribute("data-testid") ?? "", el.textContent?.trim().slice(0, 40)]
      .filter(Boolean)
      .join(" ");
  });

const TITLES: [string, string][] = [
  ["/signin", "Sign in · Cryptomon"],
  ["/signup", "Create your account · Cryptomon"],
  ["/", "Markets · Cryptomon"],
  ["/alerts", "Alerts · Cryptomon"],
  ["/alerts/new", "New alert · Alerts · Cryptomon"],
  ["/alerts/history", "History · Alerts · Cryptomon"],
  ["/alerts/metrics", "Metrics · Alerts · Cryptomon"],
  ["/alerts/inbox", "Inbox · Alerts · Cryptomon"],
  ["/analysis", "Technical analysis · Cryptomon"],
  ["/research/data", "Data explorer · Research · Cryptomon"],
  ["/research/indicators", "Indicator builder · Research · Cryptomon"],
  ["/research/backtest", "Backtests · Research · Cryptomon"],
  ["/settings", "Settings · Cryptomon"],
  ["/portfolios", "Portfolios · Cryptomon"],
  ["/portfolios/new", "New portfolio · Portfolios · Cryptomon"],
  ["/digest", "Daily digest · Cryptomon"],
  ["/news", "News · Cryptomon"],
  ["/learn", "Learn · Cryptomon"],
  ["/learn/lessons/201", "RSI on your own charts · Learn · Cryptomon"],
  ["/community", "Community · Cryptomon"],
  ["/community/new", "New post · Community · Cryptomon"],
  ["/community/moderation", "Moderation · Community · Cryptomon"],
  ["/agent", "Research assistant · Cryptomon"],
];

test("every route has its own document title", async ({ page, request }) => {
  const seed = await seedAccount(request);
  await openAs(page, seed, "light", "/");
  for (const [path, title] of TITLES) {
    if (path === "/signin" || path === "/signup") continue;
    await page.goto(path);
    await expect(page, path).toHaveTitle(title);
  }
  // A portfolio's views: its name, then the area.
  for (const [view, title] of [
    ["", "Overview"],
    ["/transactions", "Transactions"],
    ["/optimise", "Optimise"],
    ["/settings", "Settings"],
  ] as const) {
    await page.goto(`/portfolios/${seed.portfolioId}${view}`);
    await expect(page).toHaveTitle(`${title} · A11y Growth · Portfolios · Cryptomon`);
  }
  await openAs(page, null, "light", "/signin");
  await expect(page).toHaveTitle("Sign in · Cryptomon");
  await page.getByRole("link", { name: "Create an account" }).click();
  await expect(page).toHaveTitle("Create your account · Cryptomon");
});

test("signing in puts focus on the landing screen's heading", async ({ page, request }) => {
  const seed = await seedAccount(request);
  await openAs(page, null, "light", "/signin");
  await page.getByLabel("Email").fill(seed.user.email);
  await page.getByLabel("Password").fill("a11y-password-123");
  await page.getByLabel("Password").press("Enter");
  const heading = page.getByRole("heading", { level: 1, name: "Markets" });
  await expect(heading).toBeVisible();
  await expect.poll(() => focused(page)).toBe("h1 #page-title Markets");
  await expect(heading).toBeFocused();
});

test("the skip link is the first stop and moves focus to the content", async ({ page, request }) => {
  const seed = await seedAccount(request);
  await openAs(page, seed, "light", "/analysis");
  await expect(page.getByRole("heading", { level: 1, name: "Technical analysis" })).toBeVisible();
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to content" });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await snapshot(page, "a11y-skip-link");
  await page.keyboard.press("Enter");
  await expect(page.locator("main#main")).toBeFocused();
  // The next stop is the screen's first control, not the navigation.
  await page.keyboard.press("Tab");
  await expect(page.getByLabel("Symbol")).toBeFocused();
  // The indicator catalog is folded: "Analyse" is a few stops away, not past some sixty checkboxes.
  let stops = 1;
  while (stops < 25 && !(await page.getByRole("button", { name: "Analyse" }).evaluate((el) => el === document.activeElement))) {
    await page.keyboard.press("Tab");
    stops++;
  }
  expect(stops).toBeLessThan(20);
});

test("creating an alert puts focus on its row in the list", async ({ page, request }) => {
  const seed = await seedAccount(request);
  await openAs(page, seed, "light", "/alerts/new");
  await page.getByLabel("Symbol").selectOption("BTC-USD");
  await page.getByLabel("Condition").selectOption("PRICE_ABOVE");
  await page.getByLabel("Threshold").fill(String(Math.round(seed.close * 5)));
  await page.getByLabel("IN_APP").check();
  await page.getByRole("button", { name: "Create alert" }).click();
  await expect(page.getByTestId("toast-success")).toContainText("created");
  const id = /#(\d+)/.exec((await page.getByTestId("toast-success").textContent()) ?? "")?.[1];
  expect(id).toBeTruthy();
  await expect(page.getByTestId(`alert-row-${id}`)).toBeFocused();
});

test("creating a portfolio puts focus on its name; removing a target, on the next one", async ({ page, request }) => {
  const seed = await seedAccount(request);
  await openAs(page, seed, "light", "/portfolios/new");
  await page.getByLabel("Name").fill(`Keyboard ${Date.now()}`);
  for (const symbol of ["BTC-USD", "ETH-USD"]) {
    await page.getByLabel("Add a target").selectOption(symbol);
    await page.getByRole("button", { name: "Add target" }).click();
    await expect(page.getByLabel(`Target for ${symbol} (%)`)).toBeFocused(); // the new row's percent, to adjust
  }
  await page.getByRole("button", { name: "Remove BTC-USD from the targets" }).click();
  await expect(page.getByLabel("Target for ETH-USD (%)")).toBeFocused();
  await page.getByRole("button", { name: "Remove ETH-USD from the targets" }).click();
  await expect(page.getByLabel("Add a target")).toBeFocused();
  await page.getByRole("button", { name: "Create portfolio" }).click();
  await expect(page.getByRole("heading", { level: 1, name: /^Keyboard / })).toBeFocused();
});

test("removing a tile puts focus on the next tile, and the last one on the add control", async ({ page }) => {
  await signUp(page); // an account of its own: its watchlist ends empty
  const tiles = page.locator(".market-grid > [data-testid^='tile-']");
  await expect(tiles.first()).toBeVisible();
  const symbols: string[] = await tiles.evaluateAll((els) => els.map((el) => el.getAttribute("data-testid")!.slice(5)));
  expect(symbols.length).toBeGreaterThan(2);
  const remove = (symbol: string) => page.getByRole("button", { name: `Remove ${symbol} from the watchlist` });
  const box = await remove(symbols[0]!).boundingBox();
  expect(box!.width).toBeGreaterThanOrEqual(24);
  expect(box!.height).toBeGreaterThanOrEqual(24);

  await remove(symbols[0]!).focus();
  // The default grid puts priced symbols first and may reorder as prices arrive: the next tile is the one
  // after it now, in the order the removal acts on (it fixes the order from then on).
  const order: string[] = await tiles.evaluateAll((els) => els.map((el) => el.getAttribute("data-testid")!.slice(5)));
  const next = order[order.indexOf(symbols[0]!) + 1]!;
  await page.keyboard.press("Enter");
  await expect(page.getByTestId(`tile-${next}`).getByRole("button", { name: new RegExp(`^${next}`) })).toBeFocused();
  for (const symbol of order.filter((s) => s !== symbols[0])) {
    await remove(symbol).click();
    await expect.poll(() => focused(page)).not.toBe("body");
  }
  await expect(page.getByText("Your watchlist is empty")).toBeVisible();
  await expect(page.getByLabel("Watch")).toBeFocused();
});

test("the interval radio group moves with the arrow keys", async ({ page, request }) => {
  const seed = await seedAccount(request);
  await openAs(page, seed, "light", "/?symbol=BTC-USD&interval=1h");
  const group = page.getByRole("radiogroup", { name: "Candle interval" });
  const hour = group.getByRole("radio", { name: "1h" });
  await expect(hour).toHaveAttribute("aria-checked", "true");
  await hour.focus();
  await page.keyboard.press("ArrowRight");
  await expect(group.getByRole("radio", { name: "4h" })).toBeFocused();
  await expect(group.getByRole("radio", { name: "4h" })).toHaveAttribute("aria-checked", "true");
  await expect(page).toHaveURL(/interval=4h/);
  await page.keyboard.press("End");
  await expect(group.getByRole("radio", { name: "1d" })).toBeFocused();
  await page.keyboard.press("Home");
  await expect(group.getByRole("radio", { name: "1m" })).toBeFocused();
  await page.keyboard.press("ArrowLeft");
  await expect(group.getByRole("radio", { name: "1d" })).toHaveAttribute("aria-checked", "true");
  // One tab stop: Tab leaves the group.
  await page.keyboard.press("Tab");
  expect(await group.evaluate((el) => el.contains(document.activeElement))).toBe(false);
  await page.keyboard.press("Shift+Tab");
  await expect(group.getByRole("radio", { name: "1d" })).toBeFocused();
  await group.getByRole("radio", { name: "1h" }).click();
  // The chart's text alternative: a figure named by its caption.
  await expect(page.getByRole("figure", { name: /^BTC-USD 1h candles: \d+ from .* UTC; last close [\d,.]+; low [\d,.]+, high [\d,.]+\./ })).toBeVisible();
});
