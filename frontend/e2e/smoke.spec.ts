import { expect, test } from "@playwright/test";
import { signUp, snapshot } from "./helpers";

test("a new user signs up and lands on the app, and signs out cleanly", async ({ page }) => {
  await signUp(page);
  await expect(page.getByTestId("live-status")).toHaveText(/live/);
  await snapshot(page, "signed-up");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/signin/);
});
