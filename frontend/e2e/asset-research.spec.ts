import { expect, test, type Page } from "@playwright/test";
import { signUp, snapshot } from "./helpers";

// The e2e backend answers from the bundled recordings (snapshot mode): CoinGecko 2023-10-08, CoinMarketCap
// 2019-02-04, Fear & Greed up to 2025-04-22, an RSS feed; on-chain providers have no snapshot, so their
// figures are unavailable with a reason.

interface Analysis {
  analysisId: string;
  recommendation: string;
  confidence: number;
  disclaimer: string;
  sentiment: { fearGreedIndex: number; fearGreedClassification: string };
  components: { name: string }[];
}

/** Runs the form and returns the API's answer to it (the envelope's data). */
async function run(page: Page): Promise<Analysis> {
  const answer = page.waitForResponse((r) => r.url().endsWith("/api/analysis/fundamental") && r.request().method() === "POST");
  await page.getByRole("button", { name: "Run analysis" }).click();
  return ((await (await answer).json()) as { data: Analysis }).data;
}

test("researches BTC-USD over 30 days: sourced snapshot figures, unavailable reasons, gauge, recommendation", async ({ page }) => {
  await signUp(page);
  await page.goto("/research/asset?symbol=BTC-USD");
  await expect(page.getByRole("link", { name: "Asset research" })).toHaveClass(/active/);
  await expect(page).toHaveTitle(/Asset research · Research · Cryptomon/);
  await expect(page.getByLabel("Symbol")).toHaveValue("BTC-USD");
  await page.getByLabel("Timeframe").selectOption("30d");
  const analysis = await run(page);

  // Focus moves to the result.
  await expect(page.getByRole("heading", { level: 2, name: "BTC-USD · 30d" })).toBeFocused();
  await expect(page).toHaveURL(new RegExp(`analysis=${analysis.analysisId}`));
  await expect(page.getByTestId("snapshot-mode")).toBeVisible();
  await expect(page.getByTestId("fundamentals-snapshot")).toHaveText("SNAPSHOT — recorded 2023-10-08, not live");

  // The market cap, its source and recording date on hover, and on keyboard focus (its description).
  const cap = page.getByTestId("figure-marketCap");
  const capSource = page.getByTestId("figure-marketCap-source");
  await expect(cap).toHaveText(/^\$\d+(\.\d+)?B$/);
  await expect(capSource).toBeHidden();
  await cap.hover();
  await expect(capSource).toBeVisible();
  await expect(capSource).toHaveText("CoinGecko · snapshot recorded 2023-10-08 20:12 UTC, not live");
  await page.mouse.move(0, 0);
  await expect(capSource).toBeHidden();
  await cap.focus();
  await expect(capSource).toBeVisible();
  await expect(cap).toHaveAccessibleDescription(/CoinGecko · snapshot recorded 2023-10-08/);
  await page.keyboard.press("Escape");
  await expect(capSource).toBeHidden();

  // The two market-data providers' figures are years apart: shown, not compared.
  await expect(page.getByTestId("conflicts")).toContainText(/CoinMarketCap: \$60\.9B \(2019-02-04\) — not compared: the figures were taken 1,707 days apart/);

  // Missing on-chain figures say why.
  await expect(page.getByTestId("unavailable-tvl")).toHaveText(/^Unavailable — offline: no DeFiLlama snapshot is bundled/);
  await expect(page.getByTestId("unavailable-activeAddresses")).toHaveText(/^Unavailable — no configured provider publishes daily active addresses/);
  await expect(page.getByTestId("unavailable-whaleMovements")).toHaveText(/^Unavailable — offline: no Esplora snapshot is bundled/);

  // Fear & Greed: the gauge says the index and its class in text.
  const { fearGreedIndex, fearGreedClassification } = analysis.sentiment;
  await expect(page.getByRole("img", { name: `Fear & Greed index: ${fearGreedIndex} of 100, ${fearGreedClassification}` })).toBeVisible();
  await expect(page.getByTestId("fear-greed-value")).toHaveText(String(fearGreedIndex));
  await expect(page.getByTestId("fear-greed-chart").locator("canvas").first()).toBeAttached();

  // The recommendation, its five components and the disclaimer word for word.
  await expect(page.getByTestId("recommendation-action")).toHaveText(analysis.recommendation);
  await expect(page.getByTestId("recommendation-confidence")).toHaveText(`${Math.round(analysis.confidence * 100)}%`);
  const rows = page.getByTestId("components-table").locator("tbody tr");
  await expect(rows).toHaveCount(5);
  expect(analysis.components).toHaveLength(5);
  for (const name of ["Valuation", "Momentum", "On-chain flows", "Sentiment", "Fear & Greed"]) {
    await expect(page.getByTestId("components-table").getByRole("rowheader", { name, exact: true })).toBeVisible();
  }
  await expect(page.getByTestId("disclaimer")).toHaveText(analysis.disclaimer);
  await snapshot(page, "asset-research");

  // A second analysis without on-chain; the first reopens from the list.
  await page.getByLabel("Symbol").selectOption("ETH-USD");
  await page.getByLabel("Timeframe").selectOption("90d");
  await page.getByLabel("On-chain").uncheck();
  await run(page);
  await expect(page.getByRole("heading", { level: 2, name: "ETH-USD · 90d" })).toBeFocused();
  await expect(page.getByTestId("onchain-not-requested")).toBeVisible();
  const list = page.getByTestId("analyses-list");
  await expect(list.getByRole("link")).toHaveCount(2);
  await list.getByRole("link", { name: "BTC-USD · 30d" }).click();
  await expect(page.getByRole("heading", { level: 2, name: "BTC-USD · 30d" })).toBeFocused();
  await expect(page).toHaveURL(new RegExp(`analysis=${analysis.analysisId}`));
  await expect(page.getByTestId("unavailable-tvl")).toBeVisible();
});

test("an unknown symbol gets the API's error beside the symbol field", async ({ page }) => {
  await signUp(page);
  await page.goto("/research/asset?symbol=NOPE-USD");
  await run(page);
  const symbol = page.getByLabel("Symbol");
  await expect(symbol).toHaveAttribute("aria-invalid", "true");
  await expect(page.locator("#asset-symbol-error")).toHaveText("Symbol NOPE-USD not found");
  await expect(page.getByTestId("asset-result")).toHaveCount(0);
  await expect(page.getByText("Something went wrong")).toHaveCount(0); // said once, by the field: no toast too
  await snapshot(page, "asset-research-bad-symbol");
});

test("the page on a phone: nothing clipped sideways", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signUp(page);
  await page.goto("/research/asset?symbol=BTC-USD&timeframe=30d");
  await run(page);
  await expect(page.getByTestId("components-table")).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await snapshot(page, "asset-research-phone");
});
