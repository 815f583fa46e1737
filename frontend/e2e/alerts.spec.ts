import { expect, test, type APIRequestContext } from "@playwright/test";
import { adminHeaders, dataOf, signUp, snapshot } from "./helpers";

/** Push one BTC-USD tick as the admin (the e2e backend has no market source: prices come only from here). */
async function pushTick(request: APIRequestContext, headers: Record<string, string>, price: number) {
  const response = await request.post("/api/data/ticks", {
    headers,
    data: { ticks: [{ symbol: "BTC-USD", price, volume: 1, timestamp: new Date().toISOString() }] },
  });
  expect(response.ok()).toBeTruthy();
  const body = await dataOf<{ accepted: number; rejected: unknown[] }>(response);
  expect(body.rejected).toEqual([]);
  expect(body.accepted).toBe(1);
}

test("a price alert made in the form fires on pushed ticks: toast, inbox badge, IN_APP delivered in history", async ({ page, request }) => {
  await signUp(page);
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Alerts" }).click();
  await expect(page.getByText("No alerts yet")).toBeVisible();

  await page.getByRole("navigation", { name: "Alert views" }).getByRole("link", { name: "New alert" }).click();
  await page.getByLabel("Symbol").selectOption("BTC-USD");
  await page.getByLabel("Condition").selectOption("PRICE_ABOVE");
  await page.getByLabel("Threshold").fill("150000");
  await page.getByLabel("IN_APP").check();
  await page.getByRole("button", { name: "Create alert" }).click();

  await expect(page.getByTestId("toast-success")).toContainText("created");
  const table = page.getByTestId("alert-table");
  await expect(table).toContainText("BTC-USD");
  await expect(table).toContainText(/Price ≥ 150,000/);
  await expect(page.getByTestId("alert-counts")).toContainText("1 alert · 1 active");

  const headers = await adminHeaders(request);
  await pushTick(request, headers, 140000);
  await page.waitForTimeout(500);
  await expect(page.getByTestId("toast-alert")).toHaveCount(0);
  await pushTick(request, headers, 151000);

  await expect(page.getByTestId("toast-alert")).toBeVisible();
  await expect(page.getByTestId("toast-alert")).toContainText("BTC-USD");
  await expect(page.getByTestId("inbox-badge")).toHaveText("1");
  // The shell invalidates ["alerts"] on the event: the list shows the trigger without a reload.
  await expect(table.getByText("TRIGGERED")).toBeVisible();
  await expect(table.getByTestId("trigger-count")).toHaveText("1");

  await page.getByRole("navigation", { name: "Alert views" }).getByRole("link", { name: "History" }).click();
  const row = page.getByTestId("history-row").first();
  await expect(row).toContainText("BTC-USD");
  await expect(row).toContainText("151,000");
  await expect(row).toContainText("UP");
  await expect(row.getByTestId("delivery-IN_APP")).toHaveText("IN_APP DELIVERED");
  await snapshot(page, "alerts-history");

  await page.getByRole("navigation", { name: "Alert views" }).getByRole("link", { name: "Metrics" }).click();
  await expect(page.getByTestId("metrics-total")).toHaveText("1");
  await expect(page.getByTestId("metrics-channels")).toContainText("IN_APP");
  await snapshot(page, "alerts-metrics");

  await page.getByRole("navigation", { name: "Alert views" }).getByRole("link", { name: "Inbox" }).click();
  await expect(page.getByTestId("inbox")).toContainText("BTC-USD");
  await expect(page.getByTestId("inbox-badge")).toHaveCount(0);

  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByRole("navigation", { name: "Alert views" }).getByRole("link", { name: "Alerts" }).click();
  await expect(page.getByTestId("alert-table")).toBeVisible();
  await snapshot(page, "alerts-list-phone");
  expect(errors).toEqual([]);
});

test("the preview shows when a rule would have fired, with returns and the in-direction summary", async ({ page }) => {
  await signUp(page);
  await page.goto("/alerts/new");
  await page.getByLabel("Symbol").selectOption("BTC-USD");
  await page.getByLabel("Condition").selectOption("CROSSING_UP");
  await page.getByLabel("Operand").selectOption("INDICATOR");
  await page.getByLabel("Indicator", { exact: true }).selectOption("RSI");
  await page.getByLabel("period").fill("14");
  await page.getByLabel("Threshold").fill("70");
  await page.getByLabel("Timeframe").selectOption("1h");
  await page.getByLabel("Preview range").selectOption("custom");
  await page.getByLabel("Preview from").fill("2025-01-01");
  await page.getByLabel("Preview to").fill("2025-02-28");
  await page.getByRole("button", { name: "Preview" }).click();

  const result = page.getByTestId("backtest-result");
  await expect(result).toBeVisible();
  await expect(result).toContainText("Would have fired");
  const count = Number(await page.getByTestId("backtest-count").textContent());
  expect(count).toBeGreaterThan(0);
  await expect(page.getByRole("table", { name: "Triggers", exact: true }).getByRole("row")).toHaveCount(Math.min(count, 50) + 1);
  await expect(page.getByTestId("in-direction-24h")).toHaveText(/%$/);
  await snapshot(page, "alerts-preview-rsi");

  // A price rule over the default range (the last 30 days) answers too: a count, or why there is none.
  await page.getByLabel("Operand").selectOption("PRICE");
  await page.getByLabel("Condition").selectOption("PRICE_ABOVE");
  await page.getByLabel("Threshold").fill("100000");
  await page.getByLabel("Preview range").selectOption("30");
  await page.getByRole("button", { name: "Preview" }).click();
  await expect(page.getByTestId("backtest-result").or(page.getByTestId("backtest-error"))).toBeVisible();
  await snapshot(page, "alerts-preview");

  await page.setViewportSize({ width: 390, height: 844 });
  await snapshot(page, "alerts-form-phone");
});

test("the API's field error shows next to its input and goes once the field is edited", async ({ page }) => {
  await signUp(page);
  await page.goto("/alerts/new");
  await page.getByLabel("Symbol").selectOption("BTC-USD");
  await page.getByLabel("Threshold").fill("150000");
  await page.getByLabel("(DISCORD)").check(); // a new user has no Discord webhook
  await page.getByRole("button", { name: "Create alert" }).click();

  const message = page.locator("#alert-channels-error");
  await expect(message).toContainText("DISCORD needs a webhook URL: set preferences.channels.discordWebhook");
  await expect(page.getByTestId("toast-error")).toHaveCount(0); // said once, where it applies
  await snapshot(page, "alerts-form-api-error");
  await page.getByLabel("(DISCORD)").uncheck();
  await expect(message).toHaveCount(0);
});
