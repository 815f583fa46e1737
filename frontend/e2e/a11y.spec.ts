import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { openAs, pushPrice, seedAccount, type Seed } from "./a11y-seed";
import { snapshot } from "./helpers";

// axe-core over every screen of the app, in both themes, with data present (prices, alerts in each state the
// e2e backend can produce, a trigger with its delivery): no serious or critical WCAG 2.x A/AA violation.
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
const THEMES = ["light", "dark"] as const;
type Theme = (typeof THEMES)[number];

interface Screen {
  name: string;
  /** The route, or how to make it from the seeded account (a portfolio's id). */
  path: string | ((seed: Seed) => string);
  signedIn: boolean;
  /** Waits for the screen's data (and brings it into the state worth checking). */
  ready: (page: Page, seed: Seed) => Promise<void>;
}

const heading = (name: string | RegExp) => async (page: Page) => {
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
};

const SCREENS: Screen[] = [
  { name: "sign-in", path: "/signin", signedIn: false, ready: heading("Sign in to Cryptomon") },
  { name: "sign-up", path: "/signup", signedIn: false, ready: heading("Create your account") },
  {
    name: "markets",
    path: "/?symbol=BTC-USD&interval=1h",
    signedIn: true,
    ready: async (page) => {
      await expect(page.getByTestId("tile-BTC-USD").getByTestId("tile-price")).not.toHaveText("–");
      await expect(page.getByTestId("live-status")).toHaveText(/live/);
      await expect(page.getByTestId("candle-chart").locator("canvas").first()).toBeAttached();
    },
  },
  {
    name: "alerts",
    path: "/alerts",
    signedIn: true,
    ready: async (page) => {
      const table = page.getByTestId("alert-table");
      // The seeded portfolio's default drift alert is ACTIVE too: its row shows the portfolio.
      for (const status of ["ACTIVE", "PAUSED", "TRIGGERED"]) await expect(table.getByText(status, { exact: true }).first()).toBeVisible();
      await expect(table.getByRole("link", { name: /^Portfolio #\d+$/ })).toBeVisible();
    },
  },
  { name: "alert-new", path: "/alerts/new", signedIn: true, ready: async (page) => void (await expect(page.getByLabel("Symbol")).toBeVisible()) },
  {
    name: "alert-history",
    path: "/alerts/history",
    signedIn: true,
    ready: async (page) => void (await expect(page.getByTestId("delivery-IN_APP").first()).toContainText("DELIVERED")),
  },
  {
    name: "alert-metrics",
    path: "/alerts/metrics",
    signedIn: true,
    ready: async (page) => void (await expect(page.getByTestId("metrics-total")).toHaveText(/[1-9]/)),
  },
  { name: "alert-inbox", path: "/alerts/inbox", signedIn: true, ready: async (page) => void (await expect(page.getByTestId("inbox")).toContainText("BTC-USD")) },
  {
    name: "analysis",
    path: "/analysis",
    signedIn: true,
    ready: async (page) => {
      await page.getByRole("button", { name: "Analyse" }).click();
      await expect(page.getByRole("button", { name: "Analyse" })).toBeEnabled();
    },
  },
  {
    name: "research-data",
    path: "/research/data",
    signedIn: true,
    ready: async (page) => void (await expect(page.getByRole("button", { name: "Load candles" })).toBeVisible()),
  },
  {
    name: "research-indicators",
    path: "/research/indicators",
    signedIn: true,
    ready: async (page) => void (await expect(page.getByRole("button", { name: /Save indicator/ })).toBeVisible()),
  },
  {
    name: "research-backtest",
    path: "/research/backtest",
    signedIn: true,
    ready: async (page) => void (await expect(page.getByRole("button", { name: "Run backtest" })).toBeVisible()),
  },
  {
    name: "research-asset",
    path: "/research/asset?symbol=BTC-USD&timeframe=30d",
    signedIn: true,
    ready: async (page) => {
      // A run from the bundled snapshots: every card, the unavailable reasons and the gauge on screen.
      await page.getByRole("button", { name: "Run analysis" }).click();
      await expect(page.getByTestId("components-table")).toBeVisible();
      await expect(page.getByTestId("fear-greed-gauge")).toBeVisible();
    },
  },
  {
    name: "reports",
    path: "/reports",
    signedIn: true,
    ready: async (page) => {
      // A report made from the form (READY: its download, delivery and toast on screen), and the schedule form open.
      await expect(page.getByTestId("live-status")).toHaveText(/live/);
      await page.getByRole("button", { name: "Generate report" }).click();
      await expect(page.getByTestId("report-table").getByText("READY", { exact: true }).first()).toBeVisible();
      await expect(page.getByTestId("toast-success").first()).toBeVisible();
      await page.getByRole("button", { name: "New schedule" }).click();
      await expect(page.getByRole("form", { name: "New schedule" })).toBeVisible();
    },
  },
  {
    name: "digest",
    path: "/digest",
    signedIn: true,
    ready: async (page, seed) => {
      // The stories from the feeds' bundled recordings, so that the news cards are on screen.
      expect((await page.request.post("/api/content/feeds/refresh", { headers: seed.admin })).ok()).toBeTruthy();
      await page.reload();
      await expect(page.getByTestId("digest-summary")).not.toBeEmpty();
      await expect(page.getByTestId("digest-movers").or(page.getByText("No movers yet"))).toBeVisible();
    },
  },
  {
    name: "news",
    path: "/news?symbol=BTC-USD",
    signedIn: true,
    ready: async (page, seed) => {
      expect((await page.request.post("/api/content/feeds/refresh", { headers: seed.admin })).ok()).toBeTruthy();
      await page.reload();
      await expect(page.getByTestId("news-results").getByRole("article").first()).toBeVisible();
    },
  },
  {
    name: "learn",
    path: "/learn",
    signedIn: true,
    ready: async (page) => {
      await expect(page.getByTestId("path-first-steps")).toBeVisible();
      await expect(page.getByTestId("lessons").getByRole("article").first()).toBeVisible();
      await page.getByTestId("path-first-steps").getByText(/The \d+ lessons/).click(); // the path's lessons with their status
    },
  },
  {
    name: "lesson",
    path: "/learn/lessons/201",
    signedIn: true,
    ready: async (page) => {
      // The quiz answered (each first option): the verdicts, right and wrong, on screen.
      const quiz = page.getByRole("form", { name: "Quiz" });
      await expect(quiz.locator("fieldset").first()).toBeVisible();
      for (const question of await quiz.locator("fieldset").all()) await question.getByRole("radio").first().check();
      await quiz.getByRole("button", { name: "Check my answers" }).click();
      await expect(quiz.getByTestId("quiz-score")).toBeVisible();
      await expect(page.getByTestId("example")).toBeVisible();
    },
  },
  {
    name: "community",
    path: "/community",
    signedIn: true,
    ready: async (page, seed) => void (await expect(page.getByTestId(`post-card-${seed.postId}`)).toBeVisible()),
  },
  {
    name: "community-post",
    path: (seed) => `/community/posts/${seed.postId}`,
    signedIn: true,
    ready: async (page) => {
      await expect(page.getByTestId("backtest-metrics")).toBeVisible();
      await expect(page.getByTestId("attachment-equity").locator("canvas").first()).toBeAttached();
      await expect(page.getByTestId("comment-thread").getByRole("article")).toHaveCount(2);
      await page.getByRole("button", { name: "Edit this post" }).click(); // the edit form with its Markdown tabs
      await expect(page.getByRole("form", { name: "Edit the post" })).toBeVisible();
    },
  },
  {
    name: "community-new",
    path: "/community/new",
    signedIn: true,
    ready: async (page) => {
      await expect(page.getByLabel("My backtests")).toBeVisible();
      await page.getByRole("button", { name: "Publish" }).click(); // the field errors shown
      await expect(page.getByText("A title, please.")).toBeVisible();
    },
  },
  {
    name: "agent",
    path: "/agent",
    signedIn: true,
    ready: async (page) => {
      await expect(page.getByTestId("agent-status")).toContainText("scripted");
      await expect(page.getByRole("button", { name: "What is the RSI of BTC right now?" })).toBeVisible();
    },
  },
  {
    name: "agent-conversation",
    path: (seed) => `/agent/${seed.conversationId}`,
    signedIn: true,
    ready: async (page) => {
      // The answer with its first tool call open (arguments, result) and the proposal's card.
      const call = page.getByTestId("tool-call-T1");
      await call.getByRole("button").click();
      await expect(call.getByTestId("tool-result")).toBeVisible();
      await expect(page.getByRole("button", { name: "Create this alert" })).toBeVisible();
    },
  },
  { name: "settings", path: "/settings", signedIn: true, ready: heading("Settings") },
  {
    name: "portfolios",
    path: "/portfolios",
    signedIn: true,
    ready: async (page) => void (await expect(page.getByTestId("portfolio-table").getByTestId("drift-badge")).toContainText("Rebalance due")),
  },
  { name: "portfolio-new", path: "/portfolios/new", signedIn: true, ready: async (page) => void (await expect(page.getByLabel("Add a target")).toBeVisible()) },
  {
    name: "portfolio-overview",
    path: (seed) => `/portfolios/${seed.portfolioId}`,
    signedIn: true,
    ready: async (page) => {
      await expect(page.getByTestId("pf-value")).not.toHaveText("0.00");
      await expect(page.getByTestId("value-chart").locator("canvas").first().or(page.getByTestId("analysis-error"))).toBeVisible();
      await expect(page.getByTestId("rebalance").or(page.getByTestId("rebalance-error"))).toBeVisible();
      await page.getByText("More risk figures").click(); // every figure shown
    },
  },
  {
    name: "portfolio-transactions",
    path: (seed) => `/portfolios/${seed.portfolioId}/transactions`,
    signedIn: true,
    ready: async (page) => {
      await expect(page.getByTestId("tx-table")).toBeVisible();
      // A refused import lists its bad rows.
      await page.getByLabel("Or paste the CSV").fill("kind,symbol,quantity,price,fee,executedAt,externalId,note\nBUY,BTC-USD,-1,1,0,2025-07-02T00:00:00Z,,\n");
      await page.getByRole("button", { name: "Import" }).click();
      await expect(page.getByTestId("import-refused")).toBeVisible();
    },
  },
  {
    name: "portfolio-optimise",
    path: (seed) => `/portfolios/${seed.portfolioId}/optimise`,
    signedIn: true,
    ready: async (page) => {
      // The seeded portfolio weighs one asset (BTC-USD; USDT is cash): the panel says why it cannot optimise.
      await expect(page.getByTestId("optimise-needs")).toBeVisible();
    },
  },
  {
    name: "portfolio-settings",
    path: (seed) => `/portfolios/${seed.portfolioId}/settings`,
    signedIn: true,
    ready: async (page) => {
      await expect(page.getByLabel("Name")).toHaveValue("A11y Growth");
      await expect(page.getByTestId("risk-alerts")).toContainText("Allocation drift"); // the default risk alert
    },
  },
];

/** The violations axe reports at serious or critical impact, one readable block each. */
async function seriousViolations(page: Page, include?: string): Promise<string[]> {
  let builder = new AxeBuilder({ page }).withTags(TAGS);
  if (include) builder = builder.include(include);
  const { violations } = await builder.analyze();
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map(
      (v) =>
        `[${v.impact}] ${v.id}: ${v.help} (${v.nodes.length} element${v.nodes.length === 1 ? "" : "s"})\n` +
        v.nodes
          .slice(0, 8)
          .map((n) => `    ${n.target.join(" ")}\n      ${(n.failureSummary ?? "").replace(/\n/g, "\n      ")}`)
          .join("\n"),
    );
}

function report(screen: string, theme: Theme, found: string[]): string {
  return `${found.length} serious/critical axe violation(s) on ${screen} (${theme}):\n\n${found.join("\n\n")}`;
}

for (const theme of THEMES) {
  test.describe(`${theme} theme`, () => {
    for (const screen of SCREENS) {
      test(`axe: ${screen.name}`, async ({ page, request }) => {
        const seed = await seedAccount(request);
        await openAs(page, screen.signedIn ? seed : null, theme, typeof screen.path === "string" ? screen.path : screen.path(seed));
        await screen.ready(page, seed);
        await expect(page.locator("html")).toHaveAttribute("data-theme", theme);
        const found = await seriousViolations(page);
        await snapshot(page, `a11y-${screen.name}-${theme}`); // to look at: colours must still look right
        expect(found, report(screen.name, theme, found)).toEqual([]);
      });
    }

    test("axe: price tiles while they flash up and down", async ({ page, request }) => {
      const seed = await seedAccount(request);
      await openAs(page, seed, theme, "/");
      const tile = page.getByTestId("tile-BTC-USD");
      await expect(tile.getByTestId("tile-price")).not.toHaveText("–");
      // A real flash first (a pushed price, higher than any before: watched with a MutationObserver, the flash
      // is brief), then each flash class held still while axe reads the colours.
      await tile.evaluate((el) => {
        const seen: string[] = [];
        (window as unknown as { flashes: string[] }).flashes = seen;
        new MutationObserver(() => {
          const flash = /flash-(up|down)/.exec(el.getAttribute("class") ?? "");
          if (flash) seen.push(flash[0]);
        }).observe(el, { attributes: true, attributeFilter: ["class"] });
      });
      await pushPrice(request, seed, theme === "light" ? 1.0004 : 1.0006);
      await expect.poll(() => page.evaluate(() => (window as unknown as { flashes: string[] }).flashes)).toContain("flash-up");
      for (const flash of ["flash-up", "flash-down"]) {
        await tile.evaluate((el, cls) => {
          el.classList.remove("flash-up", "flash-down");
          el.classList.add(cls);
        }, flash);
        const found = await seriousViolations(page, "[data-testid='tile-BTC-USD']");
        expect(found, report(`the BTC-USD tile (${flash})`, theme, found)).toEqual([]);
      }
    });
  });
}
