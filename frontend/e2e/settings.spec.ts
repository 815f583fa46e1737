import { expect, test, type Page } from "@playwright/test";
import { dataOf, signUp } from "./helpers";

interface Me {
  preferences: { interests: string[]; riskProfile: string | null; watchlist: string[]; theme: string; timezone: string };
}

async function openSettings(page: Page) {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
  await expect(page.getByRole("heading", { name: "Risk profile" })).toBeVisible();
}

const watchlistRows = (page: Page) => page.getByTestId("watchlist-table").locator("tbody tr").getByRole("rowheader");

test("risk profile, interests, watchlist and time zone are saved to the account and still there after a reload", async ({ page, request }) => {
  const account = await signUp(page);
  await openSettings(page);
  // A new account starts with the deployment's default watchlist: the tiles Markets shows.
  const defaults = ["BTC-USD", "ETH-USD", "SOL-USD", "BNB-USD", "XRP-USD", "ADA-USD", "DOGE-USD", "AVAX-USD"];
  await expect(watchlistRows(page)).toHaveText(defaults);
  for (const symbol of defaults) await page.getByRole("button", { name: `Remove ${symbol}` }).click();
  await expect(page.getByText("Your watchlist is empty")).toBeVisible();

  await page.getByRole("radio", { name: /^High/ }).check();
  await page.getByRole("button", { name: "Save risk profile" }).click();
  await expect(page.getByText("Saved: High")).toBeVisible();

  await page.getByRole("checkbox", { name: "On-chain metrics" }).check();
  await page.getByRole("checkbox", { name: "DeFi" }).check();
  await page.getByLabel("Another topic").fill("Layer 2");
  await page.getByRole("button", { name: "Add topic" }).click();
  await page.getByRole("button", { name: "Save interests" }).click();
  await expect(page.getByText("Saved: On-chain metrics, DeFi, Layer 2")).toBeVisible();

  const picker = page.getByLabel("Watch", { exact: true });
  await picker.selectOption("ETH-USD");
  await page.getByRole("button", { name: "Add", exact: true }).click();
  await picker.selectOption("BTC-USD");
  await page.getByRole("button", { name: "Add", exact: true }).click();
  await picker.selectOption("SOL-USD");
  await page.getByRole("button", { name: "Add", exact: true }).click();
  await page.getByRole("button", { name: "Move SOL-USD up" }).click();
  await page.getByRole("button", { name: "Remove ETH-USD" }).click();
  await page.getByRole("button", { name: "Save watchlist" }).click();
  await expect(page.getByText("Saved: SOL-USD, BTC-USD")).toBeVisible();

  const zone = page.getByRole("combobox", { name: "Time zone" });
  await expect(zone).toHaveValue("UTC"); // a new account's
  await zone.fill("Europe/Berlin");
  await page.getByRole("button", { name: "Save time zone" }).click();
  await expect(page.getByText("Saved: Europe/Berlin")).toBeVisible();

  await page.reload();
  await expect(page.getByRole("radio", { name: /^High/ })).toBeChecked();
  await expect(page.getByRole("checkbox", { name: "On-chain metrics" })).toBeChecked();
  await expect(page.getByRole("checkbox", { name: "DeFi" })).toBeChecked();
  await expect(page.getByRole("checkbox", { name: "Layer 2" })).toBeChecked();
  await expect(page.getByRole("checkbox", { name: "Bitcoin" })).not.toBeChecked();
  await expect(watchlistRows(page)).toHaveText(["SOL-USD", "BTC-USD"]);
  await expect(page.getByRole("combobox", { name: "Time zone" })).toHaveValue("Europe/Berlin");

  const me = await dataOf<Me>(await request.get("/api/users/me", { headers: { Authorization: `Bearer ${account.token}` } }));
  expect(me.preferences).toMatchObject({ riskProfile: "HIGH", interests: ["ON_CHAIN", "DEFI", "Layer 2"], watchlist: ["SOL-USD", "BTC-USD"], timezone: "Europe/Berlin" });
  await page.screenshot({ path: "/tmp/settings-light.png", fullPage: true });

  // Markets shows the same list, and what changes there is the account's list too.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Markets" }).click();
  const tiles = page.locator(".market-grid > [data-testid^='tile-']");
  await expect(tiles).toHaveCount(2);
  expect(await tiles.evaluateAll((els) => els.map((el) => el.getAttribute("data-testid")))).toEqual(["tile-SOL-USD", "tile-BTC-USD"]);
  await page.getByRole("button", { name: "Remove BTC-USD from the watchlist" }).click();
  await expect(tiles).toHaveCount(1);
  await openSettings(page);
  await expect(watchlistRows(page)).toHaveText(["SOL-USD"]);
  await expect
    .poll(async () => (await dataOf<Me>(await request.get("/api/users/me", { headers: { Authorization: `Bearer ${account.token}` } }))).preferences.watchlist)
    .toEqual(["SOL-USD"]);
});

test("the theme is saved to the account: a new browser is dark after signing in", async ({ page, browser }) => {
  const account = await signUp(page);
  await openSettings(page);
  await expect(page.locator("html")).toHaveAttribute("data-theme", "light");
  await page.getByRole("radio", { name: "Dark" }).check();
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  await expect(page.getByRole("radio", { name: "Dark" })).toBeChecked();
  await page.reload();
  await expect(page.getByRole("radio", { name: "Dark" })).toBeChecked();
  await page.screenshot({ path: "/tmp/settings-dark.png", fullPage: true });

  // Another browser: nothing in its storage, light before signing in, the account's dark after.
  const other = await browser.newContext();
  const fresh = await other.newPage();
  await fresh.goto("/signin");
  await expect(fresh.locator("html")).toHaveAttribute("data-theme", "light");
  await fresh.getByLabel("Email").fill(account.email);
  await fresh.getByLabel("Password").fill(account.password);
  await fresh.getByRole("button", { name: "Sign in" }).click();
  await expect(fresh.getByRole("navigation", { name: "Main" })).toBeVisible();
  await expect(fresh.locator("html")).toHaveAttribute("data-theme", "dark");

  // The toggle in the top bar saves too: the first browser follows after a reload.
  await fresh.getByRole("button", { name: "Switch theme" }).click();
  await expect(fresh.locator("html")).toHaveAttribute("data-theme", "light");
  await expect
    .poll(async () => (await dataOf<Me>(await fresh.request.get("/api/users/me", { headers: { Authorization: `Bearer ${account.token}` } }))).preferences.theme)
    .toBe("light");
  await page.reload();
  await expect(page.locator("html")).toHaveAttribute("data-theme", "light");
  await other.close();
});
