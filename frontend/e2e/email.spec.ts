import { expect, test } from "@playwright/test";
import { adminHeaders, dataOf, signUp, snapshot } from "./helpers";

// SOL-USD: no other spec pushes it, so this alert fires on these ticks only.
const SYMBOL = "SOL-USD";

test("a new user's EMAIL alert fires and the email shows in the web app's mailbox (no SMTP server)", async ({ page, request }) => {
  const account = await signUp(page);
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });

  // Before anything is sent: the mailbox says where mail goes.
  await page.goto("/alerts/inbox");
  const empty = page.locator(".card", { hasText: "No email yet" });
  await expect(empty).toBeVisible();
  await expect(empty).toContainText(`email to ${account.email} is kept on the server`);
  await snapshot(page, "email-mailbox-empty");

  // Settings explains it: the account address, no SMTP server, and how to set one up.
  await page.goto("/settings");
  const delivery = page.getByRole("region", { name: "Email delivery" });
  await expect(delivery.getByTestId("email-address")).toHaveText(account.email);
  await expect(delivery).toContainText("your account email");
  await expect(delivery.getByTestId("email-transport")).toContainText("No SMTP server");
  await delivery.getByText("How to send real email").click();
  await expect(delivery).toContainText("CRYPTOMON_SMTP_HOST=");
  await expect(page.getByText(`Leave empty to use your account email, ${account.email}`)).toBeVisible();
  await page.getByRole("button", { name: "Send test to Email" }).click();
  await expect(page.locator("#test-EMAIL-result")).toContainText("to your local mailbox", { timeout: 15_000 });
  await snapshot(page, "email-settings");

  // The alert, by email only, with no preferences set.
  await page.goto("/alerts/new");
  await page.getByLabel("Symbol").selectOption(SYMBOL);
  await page.getByLabel("Condition").selectOption("PRICE_ABOVE");
  await page.getByLabel("Threshold").fill("200");
  await page.getByLabel("(EMAIL)").check();
  await page.getByRole("button", { name: "Create alert" }).click();
  await expect(page.getByTestId("toast-success")).toContainText("created");

  const headers = await adminHeaders(request);
  for (const price of [190, 205.5]) {
    const pushed = await request.post("/api/data/ticks", {
      headers,
      data: { ticks: [{ symbol: SYMBOL, price, volume: 1, timestamp: new Date().toISOString() }] },
    });
    expect((await dataOf<{ accepted: number }>(pushed)).accepted).toBe(1);
  }
  await expect(page.getByTestId("toast-alert")).toContainText(SYMBOL);

  await page.getByRole("navigation", { name: "Alert views" }).getByRole("link", { name: "Inbox" }).click();
  const list = page.getByTestId("mailbox");
  // Within 10 s of the test message it waits for the storm window (bursts to one person are merged).
  await expect(list).toContainText(SYMBOL, { timeout: 30_000 });
  await expect(list.getByRole("listitem")).toHaveCount(2); // the test message and the alert's
  const message = list.getByRole("listitem").first();
  await expect(message).toContainText(`To ${account.email}`);
  await expect(message).toContainText("From Cryptomon <alerts@localhost>");
  await expect(message.locator(".mail-text")).toBeVisible(); // the newest is open
  await expect(message.locator(".mail-text")).toContainText("205.5");
  await snapshot(page, "email-mailbox");

  // The delivery says where it went.
  await page.getByRole("navigation", { name: "Alert views" }).getByRole("link", { name: "History" }).click();
  const row = page.getByTestId("history-row").first();
  await expect(row.getByTestId("delivery-EMAIL")).toHaveText("EMAIL DELIVERED");
  await expect(row).toContainText("local mailbox — no SMTP server configured");
  await snapshot(page, "email-history");
  expect(errors).toEqual([]);
});
