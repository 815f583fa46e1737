import { expect, test } from "@playwright/test";
import { dataOf, signUp, snapshot } from "./helpers";

const BOTH_PARTS = "price above 50,000 while RSI(14) 1h >= 70";

test("the seed's alert keeps its 50,000 and its RSI confirmation: the list describes both parts", async ({ page }) => {
  const account = await signUp(page);
  // The seed's POST /api/alerts (IN_APP: the e2e server has no SMTP or Discord to deliver to).
  const seed = {
    userId: account.userId,
    symbol: "BTC-USD",
    condition: "PRICE_ABOVE",
    threshold: 50000,
    channels: ["IN_APP"],
    metadata: { indicator: "RSI", value: 70 },
  };
  const created = await page.request.post("/api/alerts", { data: seed, headers: { Authorization: `Bearer ${account.token}` } });
  expect(created.status()).toBe(201);
  const alert = await dataOf<{ threshold: number; confirmation: { description: string } }>(created);
  expect(alert.threshold).toBe(50000);
  expect(alert.confirmation.description).toBe(BOTH_PARTS);

  await page.goto("/alerts");
  const table = page.getByTestId("alert-table");
  await expect(table).toContainText(BOTH_PARTS);
  await snapshot(page, "alerts-confirmed-list");
});

test("the form makes a price level confirmed by an indicator, every input labelled", async ({ page }) => {
  await signUp(page);
  await page.goto("/alerts/new");
  await page.getByLabel("Symbol").selectOption("BTC-USD");
  await page.getByLabel("Condition").selectOption("PRICE_BELOW");
  await page.getByLabel("Threshold").fill("20000");
  await page.getByLabel("Operand").selectOption("INDICATOR");
  await page.getByLabel("Indicator", { exact: true }).selectOption("RSI");
  await expect(page.getByLabel("Indicator comparison")).toHaveValue("<=");
  await page.getByLabel("Indicator level").fill("30");
  await page.getByLabel("Timeframe").selectOption("4h");
  await snapshot(page, "alerts-confirmed-form");
  await page.getByRole("button", { name: "Create alert" }).click();

  await expect(page.getByTestId("toast-success")).toContainText("created");
  await expect(page.getByTestId("alert-table")).toContainText("price below 20,000 while RSI(14) 4h <= 30");
});
