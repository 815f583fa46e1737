import { readFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { signUp, snapshot } from "./helpers";

/** Console errors and uncaught exceptions, except the 422s a formula with a typo is meant to get. */
function watchConsole(page: Page): string[] {
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`uncaught: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    const text = message.text();
    if (/status of 422/.test(text) || /favicon/.test(message.location().url)) return;
    problems.push(`${text} (${message.location().url})`);
  });
  return problems;
}

// The e2e backend holds real BTC-USD 1h candles from 2025-01-01 (replay backfill), and no live sources.

test("builds a custom indicator: parser error at its column, live preview in the lower pane, saved in the list", async ({ page }) => {
  const problems = watchConsole(page);
  await signUp(page);
  await page.goto("/research/indicators");
  await expect(page.getByRole("link", { name: "Indicator builder" })).toHaveClass(/active/);

  const routes: string[] = [];
  page.on("request", (request) => {
    if (request.method() === "POST") routes.push(new URL(request.url()).pathname);
  });
  await page.getByLabel("Name", { exact: true }).fill("Fast Slow RSI");
  await page.getByRole("button", { name: "Add parameter" }).click();
  await page.getByLabel("Parameter 1 name", { exact: true }).fill("fast");
  await page.getByLabel("Parameter 1 value", { exact: true }).fill("7");
  const formula = page.getByLabel("Formula", { exact: true });
  // A typo first: the formula goes to the API as typed (parameters beside it), whose parser names column 13
  // ("FOO"), and the marker sits under it.
  await formula.fill("RSI(fast) - FOO(21)");
  await expect(page.getByTestId("formula-error")).toContainText("unknown function FOO at column 13");
  await expect(page.getByTestId("formula-marker")).toHaveAttribute("data-column", "13");
  await expect(page.getByTestId("formula-marker").locator("mark")).toHaveText("F");

  await formula.fill("RSI(fast) - RSI(21)");
  await expect(page.getByTestId("formula-error")).toHaveCount(0);
  await expect(page.getByTestId("formula-status")).toHaveText(/parses/);
  const preview = page.getByTestId("indicator-preview");
  await expect(preview).toHaveAttribute("data-plotted", "true");
  const chart = page.getByTestId("indicator-preview-chart");
  await expect(chart).toBeVisible();
  // lightweight-charts draws each pane in a table row of its own (the time axis is a short row under them):
  // the price pane and, under it, the formula's pane.
  const panes = () =>
    chart
      .locator("table tr")
      .evaluateAll((rows) => rows.filter((r) => r.querySelector("canvas") && (r as HTMLElement).offsetHeight > 60).length);
  await expect.poll(panes).toBe(2);
  await expect(preview.getByRole("status")).toContainText("in the lower pane");

  await page.getByRole("button", { name: "Save indicator" }).click();
  const list = page.getByTestId("indicator-list");
  await expect(list).toContainText("Fast Slow RSI");
  await expect(list).toContainText("FAST_SLOW_RSI");
  await expect(list).toContainText("RSI(fast) - RSI(21)");
  await expect(page.getByRole("button", { name: "Update indicator" })).toBeVisible();
  await snapshot(page, "research-indicator-builder");
  // Checked and previewed through the formula evaluate route, not the alert backtest.
  expect(routes).toContain("/api/indicators/evaluate");
  expect(routes).not.toContain("/api/alerts/backtest");
  expect(problems).toEqual([]);
});

test("runs an RSI Mean Reversion backtest on BTC-USD 1h and shows its equity curve and metrics", async ({ page }) => {
  const problems = watchConsole(page);
  await signUp(page);
  await page.goto("/research/backtest");
  await page.getByLabel("Strategy", { exact: true }).selectOption("RSI Mean Reversion");
  await expect(page.getByLabel("RSI period", { exact: true })).toHaveValue("14");
  await page.getByLabel("Symbol", { exact: true }).selectOption("BTC-USD");
  await page.getByLabel("Interval", { exact: true }).selectOption("1h");
  await page.getByLabel("Between dates").check();
  await page.getByLabel("From", { exact: true }).fill("2025-02-01");
  await page.getByLabel("To", { exact: true }).fill("2025-12-01");
  await page.getByRole("button", { name: "Run backtest" }).click();

  await expect(page.getByTestId("equity-chart")).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId("drawdown-chart")).toBeVisible();
  const metrics = page.getByTestId("metrics-table");
  await expect(metrics).toContainText("Total return");
  await expect(metrics.locator('tr[data-metric="totalReturn"] td')).toHaveText(/^[+-]?\d+\.\d\d%$/);
  await expect(metrics.locator('tr[data-metric="sharpeRatio"] td')).toHaveText(/^-?\d+\.\d\d$/);
  await expect(metrics.locator('tr[data-metric="totalTrades"] td')).toHaveText(/^\d+$/);
  await expect(metrics.locator('tr[data-metric="finalEquity"] td')).toHaveText(/^[\d,]+\.\d\d$/);
  await expect(metrics.locator('tr[data-metric="openAtEnd"] td')).toHaveText(/^(Yes|No)$/);
  await expect(page.getByTestId("trades-table")).toBeVisible();
  await expect(page.getByRole("link", { name: "Equity curve as PNG" })).toHaveAttribute("href", /\/equity\.png\?sig=/);
  await expect(page.getByTestId("runs-table")).toContainText("RSI Mean Reversion");
  await expect(page).toHaveURL(/run=BT-/);
  await snapshot(page, "research-backtest");
  expect(problems).toEqual([]);
});

test("exports BTC-USD 1h candles for a few days as CSV from the data explorer", async ({ page }) => {
  const problems = watchConsole(page);
  await signUp(page);
  await page.goto("/research");
  await expect(page).toHaveURL(/\/research\/data$/);
  await page.getByLabel("Symbol", { exact: true }).selectOption("BTC-USD");
  await page.getByLabel("Interval", { exact: true }).selectOption("1h");
  await page.getByLabel("From", { exact: true }).fill("2025-03-01");
  await page.getByLabel("To", { exact: true }).fill("2025-03-04");
  await page.getByRole("button", { name: "Load candles" }).click();

  const rows = page.getByTestId("candle-table").locator("tbody tr");
  await expect(rows).toHaveCount(72);
  await expect(page.getByTestId("candle-chart")).toBeVisible();
  await expect(rows.first().locator("td").first()).toHaveText("2025-03-01 00:00");

  const downloading = page.waitForEvent("download");
  await page.getByRole("button", { name: "Export CSV" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe("BTC-USD_1h_20250301T0000Z_20250304T0000Z.csv");
  const text = readFileSync(await download.path(), "utf8");
  const lines = text.trim().split(/\r?\n/);
  expect(lines[0]).toBe("timestamp,open,high,low,close,volume");
  expect(lines).toHaveLength(1 + 72);
  expect(lines[1]).toMatch(/^2025-03-01T00:00:00Z,[\d.]+,[\d.]+,[\d.]+,[\d.]+,[\d.]+$/);
  expect(lines[72]).toMatch(/^2025-03-03T23:00:00Z,/);
  for (const line of lines.slice(1)) {
    const [, open, high, low, close] = line.split(",").map(Number);
    expect(high).toBeGreaterThanOrEqual(Math.max(open!, close!));
    expect(low).toBeLessThanOrEqual(Math.min(open!, close!));
  }
  await expect(page.getByText(/^Saved BTC-USD_1h_/)).toBeVisible();
  await snapshot(page, "research-data-export");
  expect(problems).toEqual([]);
});
