import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { signUp, snapshot, watchConsole } from "./helpers";

// Patterns over the backfilled BTC-USD hours (scripts/e2e.mjs): on the Markets chart, in an alert, in the analysis.
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

async function noSeriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
}

test("the Markets chart marks and lists the patterns of its bars, and keeps the choice", async ({ page }) => {
  const errors = watchConsole(page);
  await signUp(page);
  await page.goto("/?symbol=BTC-USD&interval=1h");
  const chart = page.getByTestId("candle-chart");
  await expect(chart.locator("canvas").first()).toBeAttached();
  await expect(page.getByTestId("pattern-list")).toHaveCount(0); // off until asked for

  const scanned = page.waitForResponse((r) => r.url().includes("/api/patterns/BTC-USD") && r.request().method() === "GET");
  await page.getByRole("checkbox", { name: /Candlestick patterns/ }).check();
  const scan = (await (await scanned).json()) as { data: { candles: unknown[]; bars: number } };
  expect(scan.data.bars).toBeGreaterThan(100);
  expect(scan.data.candles.length).toBeGreaterThan(0); // 61 TA-Lib patterns over hundreds of real hours

  const table = page.getByRole("table", { name: "Patterns in view" });
  await expect(table).toBeVisible();
  await expect(table.locator("tbody tr").first()).toBeVisible();
  await expect(chart).toHaveAttribute("data-markers", /^[1-9]\d*$/);

  for (const name of [/Chart patterns/, /Support and resistance/, /Trend lines/]) await page.getByRole("checkbox", { name }).check();
  await expect(page.getByText("Finding patterns…")).toHaveCount(0);
  await expect(chart).toHaveAttribute("data-levels", /^[1-9]\d*$/); // real hours always have swings to level at
  await expect(page.getByRole("checkbox", { name: /Support and resistance/ }).locator("..")).toContainText(/\d/);
  await noSeriousViolations(page);
  await snapshot(page, "patterns-markets");

  // The choice is kept in this browser, like the overlays.
  await page.reload();
  for (const name of [/Candlestick patterns/, /Chart patterns/, /Support and resistance/, /Trend lines/]) {
    await expect(page.getByRole("checkbox", { name })).toBeChecked();
  }
  await expect(page.getByRole("table", { name: "Patterns in view" })).toBeVisible();
  await page.getByRole("checkbox", { name: /Candlestick patterns/ }).uncheck();
  await expect(chart).toHaveAttribute("data-markers", /^\d+$/);
  expect(errors).toEqual([]);
});

test("a PATTERN_DETECTED alert is made in the form: a pattern, a timeframe, a direction and no threshold", async ({ page }) => {
  const errors = watchConsole(page);
  await signUp(page);
  await page.goto("/alerts/new");
  await page.getByLabel("Symbol").selectOption("BTC-USD");
  await page.getByLabel("Condition").selectOption("PATTERN_DETECTED");
  await expect(page.getByLabel("Threshold")).toHaveCount(0);
  const picker = page.getByLabel("Pattern", { exact: true });
  await expect(picker.locator("optgroup[label='Candlestick'] option")).not.toHaveCount(0);
  await expect(picker.locator("optgroup[label='Chart'] option")).not.toHaveCount(0);
  await picker.selectOption("CDLENGULFING");
  await page.getByLabel("Timeframe").selectOption("1h");
  await page.getByLabel("Direction").selectOption("bullish");
  // Its record on the stored hours: computed in the background, then shown.
  await expect(page.getByTestId("pattern-stats-count")).toHaveText(/\d/, { timeout: 30_000 });
  await noSeriousViolations(page);
  await snapshot(page, "patterns-alert-form");

  await page.getByRole("button", { name: "Create alert" }).click();
  await expect(page.getByTestId("toast-success")).toContainText("created");
  const table = page.getByTestId("alert-table");
  await expect(table).toContainText("CDLENGULFING (bullish) detected · 1h");
  expect(errors).toEqual([]);
});

test("the analysis lists each timeframe's patterns of the last N bars", async ({ page }) => {
  const errors = watchConsole(page);
  await signUp(page);
  await page.goto("/analysis");
  await page.getByLabel("Symbol").selectOption("BTC-USD");
  await page.getByRole("textbox", { name: "Period" }).fill("30d");
  for (const tf of ["4h", "1d"]) await page.getByRole("checkbox", { name: tf, exact: true }).uncheck();
  await page.getByLabel("Patterns in the last N bars").fill("50");
  await page.getByRole("button", { name: "Analyse" }).click();
  const patterns = page.getByTestId("analysis-patterns");
  await expect(patterns).toContainText("Patterns in the last 50 1h bars");
  await expect(patterns.getByRole("listitem").first()).toBeVisible();
  await noSeriousViolations(page);
  await snapshot(page, "patterns-analysis");
  expect(errors).toEqual([]);
});
