import { readFileSync } from "node:fs";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { adminHeaders, dataOf, signUp, snapshot, type Account } from "./helpers";

// Reports against the real backend. Its BTC-USD 1h candles come from the replay backfill (scripts/e2e.mjs), which
// reaches the current hour: a DAILY report reads the last 24 of them; a pushed tick adds the live price.

interface Generated {
  reportId: string;
  status: string;
  estimatedTime: number;
}
interface Schedule {
  scheduleId: number;
  name: string;
  nextRunAt: string;
}

const auth = (account: Account) => ({ Authorization: `Bearer ${account.token}` });

async function seedMarket(request: APIRequestContext, account: Account): Promise<void> {
  const from = new Date(Date.now() - 2 * 86_400_000).toISOString().replace(/\.\d+Z$/, "Z");
  const last = await request.get(`/api/data/historical?symbol=BTC-USD&interval=1h&limit=100&from=${from}`, { headers: auth(account) });
  const candles = (await dataOf<{ data: { timestamp: string; close: number }[] }>(last)).data;
  const newest = candles.at(-1);
  expect(newest, "BTC-USD has 1h candles").toBeTruthy();
  expect(Date.now() - Date.parse(newest!.timestamp), "the newest BTC-USD candle is within a day").toBeLessThan(86_400_000);
  const pushed = await request.post("/api/data/ticks", {
    headers: await adminHeaders(request),
    data: { ticks: [{ symbol: "BTC-USD", price: newest!.close, volume: 0.5, timestamp: new Date().toISOString() }] },
  });
  expect(pushed.ok()).toBeTruthy();
}

/** Submits the generate form and returns the API's 202 answer. */
async function generate(page: Page): Promise<Generated> {
  const answer = page.waitForResponse((r) => r.url().endsWith("/api/reports/generate") && r.request().method() === "POST");
  await page.getByRole("form", { name: "Generate a report" }).getByRole("button", { name: "Generate report" }).click();
  const response = await answer;
  expect(response.status()).toBe(202);
  return ((await response.json()) as { data: Generated }).data;
}

/** Reports' reads, held back: the embedded backend makes a DAILY report in well under a second, so without this the
 * row the 202 lists as GENERATING is replaced by the finished one before it can be seen. The WebSocket is not held. */
async function slowReportReads(page: Page): Promise<() => Promise<void>> {
  const pattern = /\/api\/reports(\?|\/RPT-[\d-]+$)/;
  await page.route(pattern, async (route) => {
    if (route.request().method() === "GET") await new Promise((r) => setTimeout(r, 2000));
    await route.continue().catch(() => undefined); // the page may have moved on
  });
  return () => page.unroute(pattern);
}

test("the screen on a phone: nothing clipped sideways", async ({ page, request }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  const account = await signUp(page);
  await seedMarket(request, account);
  await page.goto("/reports");
  await expect(page.getByTestId("live-status")).toHaveText(/live/);
  const made = await generate(page);
  await expect(page.getByTestId(`report-row-${made.reportId}`).getByText("READY", { exact: true })).toBeVisible();
  await page.getByRole("button", { name: "New schedule" }).click();
  await expect(page.getByRole("form", { name: "New schedule" })).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({ path: "/tmp/reports-phone.png", fullPage: true });
});

test("a daily PDF report: generated, followed live, toasted, downloaded; a schedule; a delete", async ({ page, request }) => {
  const account = await signUp(page);
  await seedMarket(request, account);
  // The user's time zone: the schedule form's default.
  const patched = await request.patch("/api/users/me", { headers: auth(account), data: { preferences: { timezone: "Europe/Berlin" } } });
  expect(patched.ok()).toBeTruthy();
  await page.reload(); // the app read the user before the change
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) errors.push(message.text());
  });

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Reports" }).click();
  await expect(page).toHaveTitle("Reports · Cryptomon");
  await expect(page.getByRole("heading", { level: 1, name: "Reports" })).toBeFocused();
  await expect(page.getByText("No reports yet")).toBeVisible();
  await expect(page.getByTestId("live-status")).toHaveText(/live/);

  // The defaults are the seed's daily report: BTC-USD, every section, PDF, delivered in the app.
  const form = page.getByRole("form", { name: "Generate a report" });
  await expect(form.getByLabel("Report type")).toHaveValue("DAILY");
  await expect(form.getByTestId("rp-symbol-chips")).toHaveText(/BTC-USD/);
  await expect(form.getByLabel("Format")).toHaveValue("PDF");
  await expect(form.getByRole("checkbox", { name: /^In the app/ })).toBeChecked();
  await expect(form.getByRole("checkbox", { name: /^SMS/ })).toBeDisabled(); // no phone number set up
  await snapshot(page, "reports-empty");

  const release = await slowReportReads(page);
  const first = await generate(page);
  expect(first).toMatchObject({ status: "GENERATING" });
  expect(first.reportId).toMatch(/^RPT-\d{8}-\d{3,}$/);
  const row = page.getByTestId(`report-row-${first.reportId}`);
  await expect(row).toBeVisible();
  await expect(row.getByText("GENERATING", { exact: true })).toBeVisible();
  await expect(row.getByRole("progressbar", { name: `Progress of ${first.reportId}` })).toBeVisible();
  await expect(row).toContainText(`takes about ${first.estimatedTime} s`);
  await expect(row).toBeFocused();
  await snapshot(page, "reports-generating");

  // ANALYSIS_COMPLETE: one toast (the IN_APP delivery repeats the event), with the download.
  const toast = page.getByTestId("toast-success").filter({ hasText: `Report ${first.reportId} is ready` });
  await expect(toast).toBeVisible();
  await expect(toast).toHaveCount(1);
  await release();
  await expect(row.getByText("READY", { exact: true })).toBeVisible();
  await expect(row).toContainText(/In the app\s*DELIVERED/);
  await expect(row).toContainText(/\d+(\.\d)? KB/);

  const downloading = page.waitForEvent("download");
  await toast.getByRole("link", { name: `Download report ${first.reportId}` }).click();
  const file = await downloading;
  expect(file.suggestedFilename()).toMatch(/\.pdf$/);
  expect(readFileSync(await file.path()).subarray(0, 4).toString("latin1")).toBe("%PDF");
  await expect(toast).toHaveCount(0); // dismissed by its link

  // The row's own link downloads the same file.
  const again = page.waitForEvent("download");
  await row.getByRole("link", { name: `Download ${first.reportId} (PDF)` }).click();
  expect((await again).suggestedFilename()).toBe(file.suggestedFilename());

  // A second report, finished while the user is elsewhere: the toast's Open brings them to it.
  await form.getByLabel("Report type").selectOption("WEEKLY");
  await form.getByLabel("Format").selectOption("CSV");
  const second = await generate(page);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Markets" }).click();
  const secondToast = page.getByTestId("toast-success").filter({ hasText: `Report ${second.reportId} is ready` });
  await secondToast.getByRole("link", { name: `Open report ${second.reportId}` }).click();
  await expect(page).toHaveURL(new RegExp(`/reports\\?report=${second.reportId}$`));
  const secondRow = page.getByTestId(`report-row-${second.reportId}`);
  await expect(secondRow).toBeFocused();
  await expect(secondRow).toHaveAttribute("aria-current", "true");
  await expect(secondRow.getByText("READY", { exact: true })).toBeVisible();

  // A schedule: weekly on Monday at 08:00 in the user's zone; listed with its next run on that clock and in UTC.
  await page.getByRole("button", { name: "New schedule" }).click();
  const scheduleForm = page.getByRole("form", { name: "New schedule" });
  await expect(scheduleForm.getByLabel("Report type")).toBeFocused();
  await expect(scheduleForm.getByLabel("Time zone")).toHaveValue("Europe/Berlin");
  await expect(scheduleForm.getByTestId("schedule-rule")).toHaveText("Runs: Weekly on Monday at 08:00 Europe/Berlin");
  await scheduleForm.getByLabel("Name (optional)").fill("Monday briefing");
  const made = page.waitForResponse((r) => r.url().endsWith("/api/reports/schedules") && r.request().method() === "POST");
  await scheduleForm.getByRole("button", { name: "Create schedule" }).click();
  const schedule = ((await (await made).json()) as { data: Schedule }).data;
  const scheduleRow = page.getByTestId(`schedule-row-${schedule.scheduleId}`);
  await expect(scheduleRow).toBeFocused();
  await expect(scheduleRow).toContainText("Monday briefing");
  await expect(scheduleRow.getByTestId(`schedule-when-${schedule.scheduleId}`)).toHaveText("Weekly on Monday at 08:00 Europe/Berlin");
  const nextUtc = `${schedule.nextRunAt.slice(0, 10)} ${schedule.nextRunAt.slice(11, 16)} UTC`;
  await expect(scheduleRow.getByTestId(`schedule-next-${schedule.scheduleId}`)).toHaveText(new RegExp(`^Mon \\d{4}-\\d\\d-\\d\\d 08:00 Europe/Berlin${nextUtc}$`));
  await scheduleRow.getByRole("button", { name: "Pause schedule Monday briefing" }).click();
  await expect(scheduleRow.getByText("PAUSED", { exact: true })).toBeVisible();
  await expect(scheduleRow.getByTestId(`schedule-next-${schedule.scheduleId}`)).toHaveText("paused");
  await scheduleRow.getByRole("button", { name: "Resume schedule Monday briefing" }).click();
  await expect(scheduleRow.getByText("ACTIVE", { exact: true })).toBeVisible();

  // Screenshots of the screen with data, both themes, at a laptop's width: nothing clipped.
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.evaluate(() => window.scrollTo(0, 0));
  const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(await overflow()).toBeLessThanOrEqual(0);
  await expect(page.getByTestId("report-table").locator("th", { hasText: "Status" })).toBeVisible();
  await page.screenshot({ path: "/tmp/reports-light.png", fullPage: true });
  await page.getByRole("button", { name: "Switch theme" }).click();
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  await page.screenshot({ path: "/tmp/reports-dark.png", fullPage: true });
  await page.getByRole("button", { name: "Switch theme" }).click();
  await expect(page.locator("html")).toHaveAttribute("data-theme", "light");

  // Deleting the first report, once confirmed: gone from the list and from the API.
  await row.getByRole("button", { name: `Delete report ${first.reportId}` }).click();
  await row.getByRole("button", { name: "Yes, delete" }).click();
  await expect(row).toHaveCount(0);
  await expect(page.getByTestId(`report-row-${second.reportId}`)).toBeVisible();
  // Asked by the page (the test's own connection may have idled out by now).
  const status = await page.evaluate(
    async ([id, token]) => (await fetch(`/api/reports/${id}`, { headers: { Authorization: `Bearer ${token}` } })).status,
    [first.reportId, account.token] as const,
  );
  expect(status).toBe(404);
  expect(errors).toEqual([]);
});
