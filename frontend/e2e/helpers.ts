import { expect, type APIRequestContext, type APIResponse, type Page } from "@playwright/test";

export interface Account {
  email: string;
  password: string;
  token: string;
  userId: number;
}

/** The `data` of an API response's envelope. */
export async function dataOf<T>(response: APIResponse): Promise<T> {
  return ((await response.json()) as { data: T }).data;
}

interface StoredSession {
  state: { tokens: { accessToken: string }; user: { id: number } };
}

/** A new user signed up through the UI; returns its credentials and token (read from the app's storage). */
export async function signUp(page: Page): Promise<Account> {
  const email = `e2e-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
  const password = "e2e-password-123";
  await page.goto("/signup");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
  const session = (await page.evaluate(() => JSON.parse(localStorage.getItem("cryptomon.session") ?? "{}") as unknown)) as StoredSession;
  return { email, password, token: session.state.tokens.accessToken, userId: session.state.user.id };
}

/** An admin's bearer header for pushing market data (the first user is made admin with the CLI). */
export async function adminHeaders(request: APIRequestContext): Promise<Record<string, string>> {
  const email = process.env.E2E_ADMIN_EMAIL ?? "admin@e2e.example.com";
  const password = process.env.E2E_ADMIN_PASSWORD ?? "admin-password-123";
  const login = await request.post("/api/auth/login", { data: { email, password } });
  expect(login.ok()).toBeTruthy();
  const token = (await dataOf<{ tokens: { accessToken: string } }>(login)).tokens.accessToken;
  return { Authorization: `Bearer ${token}` };
}

/** Each test leaves a screenshot of where it ended under test-results/. */
export async function snapshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `test-results/${name}.png`, fullPage: true });
}

/** Console errors a page logs (failed loads are the API's expected 4xx answers, shown in the page). */
export function watchConsole(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  return errors;
}
