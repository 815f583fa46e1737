import AxeBuilder from "@axe-core/playwright";
import { readFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { type Account, signUp, snapshot, watchConsole } from "./helpers";
import { STEP_SECONDS, stepAt, totp } from "./totp";

// Settings → Security against the real backend: two-factor sign-in turned on with a code computed here from the
// key the page shows (e2e/totp.ts), the two-step sign-in (a code, then a recovery code), the sessions table, an API
// key shown once and working, and the security log. SHOTS=1 also writes the README's screenshot
// (docs/screenshots/web-settings-security.png, 1280 px wide); 390 px ones go to test-results/.

const shots = process.env.SHOTS === "1";
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help}\n  ${v.nodes.map((n) => n.target.join(" ")).join("\n  ")}`);
}

async function openSecurity(page: Page) {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
  await page.getByRole("navigation", { name: "Settings sections" }).getByRole("link", { name: "Security" }).click();
  await expect(page.getByRole("heading", { name: "Two-factor sign-in" })).toBeVisible();
  await expect(page).toHaveURL(/\/settings\/security$/);
}

/** Waits until the time step after `used` has begun (a code is accepted once per step), then returns the code. */
async function codeAfter(page: Page, secret: string, used: number): Promise<{ code: string; step: number }> {
  const wait = (used + 1) * STEP_SECONDS * 1000 - Date.now();
  if (wait > 0) await page.waitForTimeout(wait + 500);
  const step = stepAt();
  return { code: totp(secret, step), step };
}

async function signOut(page: Page) {
  await page.getByRole("navigation", { name: "Main" }).getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("heading", { name: "Sign in to Cryptomon" })).toBeVisible();
}

async function passwordStep(page: Page, account: Account) {
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Two-factor code" })).toBeVisible();
}

async function shoot(page: Page, name: string, { readme = false } = {}) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await snapshot(page, `security-${name}`);
  if (shots && readme) await page.screenshot({ path: "../docs/screenshots/web-settings-security.png", fullPage: true });
}

test("two-factor sign-in, sessions, an API key and the security log", async ({ page, request }) => {
  test.setTimeout(180_000); // up to two waits for a new 30-second code step
  const errors = watchConsole(page);
  await page.setViewportSize({ width: 1280, height: 900 });
  const account = await signUp(page);
  await openSecurity(page);

  // Off, with the empty states of a new account (no keys); the page passes axe.
  await expect(page.getByText("No API keys yet")).toBeVisible();
  await expect(page.getByTestId("audit-log")).toContainText("Signed in");
  expect(await seriousViolations(page)).toEqual([]);

  // Turn it on: the QR code, the key in groups of four (read here), a code computed from it.
  await page.getByRole("button", { name: "Turn on two-factor sign-in" }).click();
  await expect(page.getByRole("img", { name: "QR code for your authenticator app" })).toBeVisible();
  const grouped = (await page.getByTestId("totp-secret").textContent()) ?? "";
  expect(grouped).toMatch(/^([A-Z2-7]{4} )+[A-Z2-7]{1,4}$/);
  const secret = grouped.replace(/\s+/g, "");
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.getByRole("button", { name: "Copy the setup key" }).click();
  await expect(page.getByText("Copied", { exact: true })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
  expect(await seriousViolations(page)).toEqual([]);
  await shoot(page, "enrol-1280");
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(page.getByRole("img", { name: "QR code for your authenticator app" })).toBeVisible();
  await shoot(page, "enrol-390");
  await page.setViewportSize({ width: 1280, height: 900 });

  // A wrong code is said under the field.
  const enrolStep = stepAt();
  const wrong = String((Number(totp(secret, enrolStep)) + 1) % 1_000_000).padStart(6, "0");
  await page.getByLabel("Code from your app").fill(wrong);
  await page.getByRole("button", { name: "Turn on", exact: true }).click();
  await expect(page.locator("#enrol-code-error")).toContainText("wrong");

  await page.getByLabel("Code from your app").fill(totp(secret, enrolStep));
  await page.getByRole("button", { name: "Turn on", exact: true }).click();
  const panel = page.getByTestId("recovery-codes");
  await expect(panel.getByRole("heading", { name: "Save your recovery codes" })).toBeVisible();
  const recoveryCodes = await panel.getByRole("listitem").allTextContents();
  expect(recoveryCodes).toHaveLength(10);
  for (const code of recoveryCodes) expect(code).toMatch(/^[a-z0-9]{5}-[a-z0-9]{5}$/);
  const [download] = await Promise.all([page.waitForEvent("download"), panel.getByRole("button", { name: "Download .txt" }).click()]);
  expect(download.suggestedFilename()).toBe("cryptomon-recovery-codes.txt");
  const saved = readFileSync(await download.path(), "utf8");
  for (const code of recoveryCodes) expect(saved).toContain(code);
  expect(await seriousViolations(page)).toEqual([]);
  await shoot(page, "codes-1280");
  await panel.getByRole("button", { name: "I have saved them" }).click();
  await expect(panel).toHaveCount(0);
  await expect(page.getByTestId("recovery-codes-left")).toHaveText(/^10 of 10/);

  // Signing in again takes a code: the enrolment's step is spent, so one of the next step.
  await signOut(page);
  await passwordStep(page, account);
  const code = page.getByLabel("Two-factor code");
  await expect(code).toHaveAttribute("autocomplete", "one-time-code");
  expect(await seriousViolations(page)).toEqual([]);
  await snapshot(page, "security-signin-code");
  const next = await codeAfter(page, secret, enrolStep);
  await code.fill(next.code);
  await page.getByRole("button", { name: "Verify and sign in" }).click();
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();

  // The same code again is refused (it was used), then a recovery code signs in.
  await signOut(page);
  await passwordStep(page, account);
  await page.getByLabel("Two-factor code").fill(next.code);
  await page.getByRole("button", { name: "Verify and sign in" }).click();
  await expect(page.locator("#two-factor-code-error")).toBeVisible();
  await page.getByRole("button", { name: "Use a recovery code instead" }).click();
  await page.getByLabel("Recovery code").fill(recoveryCodes[0]!);
  await page.getByRole("button", { name: "Verify and sign in" }).click();
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
  await openSecurity(page);
  await expect(page.getByTestId("recovery-codes-left")).toHaveText(/^9 of 10/);

  // Sessions: this device, as the browser it is.
  const sessions = page.getByRole("table", { name: "Signed-in sessions" });
  const here = sessions.getByRole("row").filter({ hasText: "This device" });
  await expect(here).toHaveCount(1);
  await expect(here).toContainText("Chrome on Linux");
  await expect(here).toContainText("127.0.0.1");

  // An API key: the secret shown once, and it works for what its scope allows.
  await page.getByLabel("Name").fill("E2E export");
  await page.getByRole("checkbox", { name: /Read my data/ }).check();
  await expect(page.getByRole("checkbox", { name: /Push market data/ })).toHaveCount(0); // admins only
  await page.getByLabel("Expires").selectOption({ label: "In 30 days" });
  await page.getByRole("button", { name: "Create key" }).click();
  const secretKey = (await page.getByTestId("api-key-secret").textContent()) ?? "";
  expect(secretKey).toMatch(/^cmk_[0-9a-f]{12}_/);
  const keys = page.getByRole("table", { name: "API keys" });
  await expect(keys.getByRole("row").filter({ hasText: "E2E export" })).toContainText("Active");
  const withKey = await request.get("/api/portfolios", { headers: { "X-API-Key": secretKey } });
  expect(withKey.status(), await withKey.text()).toBe(200);
  await shoot(page, "key-created-1280");
  await page.getByRole("button", { name: "Done, I have copied it" }).click();
  await expect(page.getByText(secretKey)).toHaveCount(0);

  // The security log, newest first: the sign-ins with a code and with a recovery code, the key, 2FA turned on.
  const log = page.getByTestId("audit-log");
  await expect(log).toContainText("API key “E2E export” created");
  await expect(log).toContainText("A recovery code was used");
  await expect(log).toContainText("Sign-in failed: code already used");
  await expect(log).toContainText("Two-factor sign-in turned on");
  await expect(log).toContainText("Turning on two-factor sign-in failed: wrong two-factor code");
  expect(await log.getByText("Signed in", { exact: true }).count()).toBeGreaterThanOrEqual(3);

  expect(await seriousViolations(page)).toEqual([]);
  await shoot(page, "enabled-1280", { readme: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(here).toBeVisible();
  await shoot(page, "enabled-390");
  await page.setViewportSize({ width: 1280, height: 900 });
  // The dark theme too.
  const theme = page.getByRole("navigation", { name: "Main" }).getByRole("button", { name: "Switch theme" });
  const before = await page.locator("html").getAttribute("data-theme");
  await theme.click();
  await expect(page.locator("html")).not.toHaveAttribute("data-theme", before ?? "");
  expect(await seriousViolations(page)).toEqual([]);
  await shoot(page, "enabled-1280-other-theme");
  await theme.click();

  // Revoked: the key stops working.
  await keys.getByRole("button", { name: "Revoke API key E2E export" }).click();
  await keys.getByRole("button", { name: "Confirm: revoke API key E2E export" }).click();
  await expect(keys.getByRole("row").filter({ hasText: "E2E export" })).toContainText("Revoked");
  expect((await request.get("/api/portfolios", { headers: { "X-API-Key": secretKey } })).status()).toBe(401);

  // Turning it off takes a code of a step not used yet.
  await page.getByRole("button", { name: "Turn off" }).click();
  const off = await codeAfter(page, secret, next.step);
  await page.getByLabel("Two-factor code").fill(off.code);
  await page.getByRole("button", { name: "Turn off", exact: true }).click();
  await expect(page.getByRole("button", { name: "Turn on two-factor sign-in" })).toBeVisible();
  await expect(log).toContainText("Two-factor sign-in turned off");
  expect(errors).toEqual([]);
});

test("a second browser's session can be ended from the first", async ({ page, browser }) => {
  const account = await signUp(page);
  const other = await browser.newContext({ userAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1" });
  const phone = await other.newPage();
  await phone.goto("/signin");
  await phone.getByLabel("Email").fill(account.email);
  await phone.getByLabel("Password").fill(account.password);
  await phone.getByRole("button", { name: "Sign in" }).click();
  await expect(phone.getByRole("navigation", { name: "Main" })).toBeVisible();

  await openSecurity(page);
  const sessions = page.getByRole("table", { name: "Signed-in sessions" });
  const phoneRow = sessions.getByRole("row").filter({ hasText: "Safari on iOS" });
  await expect(phoneRow).toHaveCount(1);
  await phoneRow.getByRole("button", { name: /^End the session of Safari on iOS/ }).click();
  await expect(page.getByText("Ended the session of Safari on iOS.")).toBeVisible();
  await expect(phoneRow).toHaveCount(0);
  await expect(page.getByTestId("audit-log")).toContainText("A session was ended");

  // The phone is signed out at its next request.
  await phone.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
  await expect(phone.getByRole("heading", { name: "Sign in to Cryptomon" })).toBeVisible();
  await other.close();
});

test("administrators see the staff two-factor switch, which waits for their own two-factor sign-in", async ({ page }) => {
  // The run's shared admin has no two-factor sign-in (other specs sign in as it with a password only): the switch is
  // shown, off and disabled, and says why.
  await page.goto("/signin");
  await page.getByLabel("Email").fill(process.env.E2E_ADMIN_EMAIL ?? "admin@e2e.example.com");
  await page.getByLabel("Password").fill(process.env.E2E_ADMIN_PASSWORD ?? "admin-password-123");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
  await openSecurity(page);
  const toggle = page.getByRole("switch", { name: "Require two-factor sign-in for moderators and admins" });
  await expect(toggle).not.toBeChecked();
  await expect(toggle).toBeDisabled();
  await expect(page.getByText(/Turn on two-factor sign-in for your own account first/)).toBeVisible();
  // An admin is offered the ingest scope for keys.
  await expect(page.getByRole("checkbox", { name: /Push market data/ })).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
  await snapshot(page, "security-admin");
});
