import { expect, test } from "@playwright/test";
import { dataOf, signUp } from "./helpers";

interface Alert {
  id: number;
  threshold: number;
  frequency: string;
  cooldownSeconds: number;
}

test("an alert edited from the list keeps its new threshold: the list and GET /api/alerts/{id} show it", async ({ page, request }) => {
  const account = await signUp(page);
  const headers = { Authorization: `Bearer ${account.token}` };
  const created = await request.post("/api/alerts", {
    headers,
    data: { userId: account.userId, symbol: "BTC-USD", condition: "PRICE_ABOVE", threshold: 150000, channels: ["IN_APP"], frequency: "EVERY_TIME", cooldownSeconds: 300 },
  });
  expect(created.status()).toBe(201);
  const alert = await dataOf<Alert>(created);

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Alerts" }).click();
  const table = page.getByTestId("alert-table");
  await expect(table).toContainText(/Price ≥ 150,000/);
  await page.getByRole("link", { name: `Edit alert ${alert.id}` }).click();

  const form = page.getByRole("form", { name: `Edit alert ${alert.id}` });
  await expect(form.getByLabel("Symbol")).toHaveValue("BTC-USD");
  await expect(form.getByLabel("Symbol")).toBeDisabled();
  await expect(form.getByLabel("Condition")).toHaveValue("PRICE_ABOVE");
  await expect(form.getByLabel("Threshold")).toHaveValue("150000");
  await expect(form.getByLabel("Frequency")).toHaveValue("EVERY_TIME");
  await expect(form.getByLabel("Cooldown (seconds)")).toHaveValue("300");
  await expect(form.getByRole("button", { name: "Save changes" })).toBeDisabled();

  await form.getByLabel("Threshold").fill("-5");
  await expect(form.getByText("Threshold must be above 0")).toBeVisible();
  await form.getByLabel("Threshold").fill("160000");
  await page.screenshot({ path: "/tmp/settings-alert-edit.png", fullPage: true });
  await form.getByRole("button", { name: "Save changes" }).click();

  await expect(page.getByTestId("toast-success")).toContainText(`Alert #${alert.id} saved`);
  await expect(table).toContainText(/Price ≥ 160,000/);
  const stored = await dataOf<Alert>(await request.get(`/api/alerts/${account.userId}/${alert.id}`, { headers }));
  expect(stored).toMatchObject({ threshold: 160000, frequency: "EVERY_TIME", cooldownSeconds: 300 });
});
