import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { type Account, dataOf, signUp, snapshot, watchConsole } from "./helpers";

// The research assistant against the real backend, whose model is the scripted one scripts/e2e.mjs starts
// (backend/tests/agent/scripted_llm.py: "rsi" calls technical_analysis, "set an alert" propose_alert with the
// text's number as threshold, "__error__" answers HTTP 500). BTC-USD's 1h candles come from the replay backfill.
// Without a configured model the screen shows how to set one up: this run has one, so Vitest covers that state.

const auth = (account: Account) => ({ Authorization: `Bearer ${account.token}` });
// SHOTS=1 also writes the README's screenshot (docs/screenshots/web-agent.png), at the 1440x900 viewport.
const shots = process.env.SHOTS === "1";

async function seriousViolations(page: Page): Promise<string[]> {
  const axe = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze();
  return axe.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
}

test("a question answered with a cited tool call, its proposed alert created; a failing model shown in the turn", async ({ page, request }) => {
  test.setTimeout(120_000);
  const errors = watchConsole(page);
  const account = await signUp(page);

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Assistant" }).click();
  await expect(page).toHaveTitle("Research assistant · Cryptomon");
  await expect(page.getByRole("heading", { level: 1, name: "Research assistant" })).toBeFocused();
  await expect(page.getByTestId("agent-status")).toContainText("openai · scripted");
  await expect(page.getByTestId("agent-status")).toContainText(/Today: 0 \/ \d[\d,]* requests/);
  await expect(page.getByText("No conversations yet: ask a question to start one.")).toBeVisible();
  await expect(page.getByRole("button", { name: "What is the RSI of BTC right now?" })).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);

  // A new conversation: the composer has the focus.
  await page.getByRole("button", { name: "New conversation" }).click();
  const box = page.getByRole("textbox", { name: "Your question" });
  await expect(box).toBeFocused();
  await expect(page.getByRole("checkbox", { name: "Allow actions" })).not.toBeChecked();
  await expect(page.getByTestId("allow-help")).toContainText("only proposes alerts and backtests");
  await box.fill("What is the RSI of BTC? Also set an alert above 150000");
  await expect(page.getByTestId("composer-count")).toHaveText(/^54 \/ 4000/);
  await box.press("Enter");

  // The turn: the question, the tool calls with their sources, the cited answer, the proposal.
  await expect(page.getByRole("article", { name: "Your question" })).toContainText("What is the RSI of BTC? Also set an alert above 150000");
  const answer = page.getByTestId("answer").first(); // the first turn's, also once later turns follow
  const rsi = answer.getByTestId("tool-call-T1");
  await expect(rsi.getByRole("button")).toHaveText(/^T1 ✓ technical_analysis · .+ · as of \d{4}-\d\d-\d\d \d\d:\d\d UTC · (<1|\d+) m?s$/);
  await expect(answer.getByTestId("tool-call-T2").getByRole("button")).toContainText("✓ propose_alert");
  await expect(answer.getByTestId("answer-text")).toContainText("technical_analysis:");
  await expect(box).toBeEnabled();
  await expect(page).toHaveTitle("What is the RSI of BTC? Also set an alert above 150000 · Research assistant · Cryptomon");

  // A citation opens its tool call: the arguments and the result, with the source it names.
  await answer.getByTestId("answer-text").getByRole("button", { name: "Source T1: technical_analysis" }).click();
  await expect(rsi.getByRole("button")).toBeFocused();
  await expect(rsi.getByRole("button")).toHaveAttribute("aria-expanded", "true");
  await expect(rsi.getByTestId("tool-arguments")).toContainText('"symbol": "BTC-USD"');
  const result = rsi.getByTestId("tool-result");
  await expect(result).toBeVisible();
  const source = (await rsi.getByRole("button").innerText()).split(" · ")[1]!;
  await expect(result).toContainText(`"source": "${source}"`);
  await expect(answer.getByTestId("sources")).toContainText(`technical_analysis · ${source} · as of`);

  const proposal = answer.getByTestId("proposal-T2");
  await expect(proposal).toContainText("Alert proposal");
  await expect(proposal.getByTestId("proposal-request")).toContainText("150000");
  expect(await seriousViolations(page)).toEqual([]);
  if (shots) {
    // The turn from its question, under the sticky navigation: the open call, the text, the sources, the proposal.
    const nav = (await page.getByRole("navigation", { name: "Main" }).boundingBox())!.height;
    const question = page.getByRole("article", { name: "Your question" }).first();
    await question.evaluate((el, nav) => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - nav - 6), nav);
    await page.screenshot({ path: "../docs/screenshots/web-agent.png" });
  }
  await snapshot(page, "agent-answer");

  // The proposal, created with a press: the alert is the user's, as proposed.
  await proposal.getByRole("button", { name: "Create this alert" }).click();
  const open = proposal.getByRole("link", { name: "Open it in Alerts" });
  await expect(open).toBeFocused();
  const alertId = Number(/Alert #(\d+) created/.exec((await proposal.getByTestId("proposal-done").innerText()) ?? "")?.[1]);
  expect(alertId).toBeGreaterThan(0);
  const alerts = await request.get(`/api/alerts/${account.userId}`, { headers: auth(account) });
  const list = await dataOf<{ alerts: { id: number; symbol: string; condition: string; threshold: number }[] }>(alerts);
  const made = list.alerts.find((a) => a.id === alertId);
  expect(made).toMatchObject({ symbol: "BTC-USD", condition: "PRICE_ABOVE" });
  expect(Number(made?.threshold)).toBe(150000);

  // A model that fails: the error in the turn, the question kept, and the page goes on working.
  await box.fill("Tell me something __error__");
  await page.getByRole("button", { name: "Send" }).click();
  const failed = page.getByTestId("answer").last().getByTestId("turn-error");
  await expect(failed).toBeVisible();
  await expect(failed).toHaveAttribute("role", "alert");
  await expect(failed).toContainText("PROVIDER_UNAVAILABLE"); // the model server's 500
  await expect(page.getByRole("article", { name: "Your question" }).last()).toContainText("Tell me something __error__");
  await expect(box).toBeEnabled();
  await snapshot(page, "agent-error");
  await box.fill("Once more: the RSI of BTC?");
  await box.press("Enter");
  await expect(page.getByTestId("answer").last().getByTestId("tool-call-T3")).toContainText("✓ technical_analysis");
  await expect(page.getByTestId("answer").last().getByTestId("answer-text").getByRole("button", { name: "Source T3: technical_analysis" })).toBeVisible();

  // The conversation is kept: back from the alerts, the same history.
  await open.click();
  await expect(page.getByTestId(`alert-row-${alertId}`)).toBeFocused();
  await page.goBack();
  await expect(page.getByRole("article", { name: "Your question" })).toHaveCount(3);
  await expect(page.getByTestId("turn-error")).toContainText("PROVIDER_UNAVAILABLE");
  // The proposal remembers it was created: no second button after a reload.
  await page.reload();
  const kept = page.getByTestId("proposal-T2");
  await expect(kept.getByTestId("proposal-done")).toContainText(`Alert #${alertId} created.`);
  await expect(kept.getByRole("button", { name: "Create this alert" })).toHaveCount(0);
  expect(errors).toEqual([]);
});
