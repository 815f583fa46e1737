import { defineConfig } from "@playwright/test";

// Debian's Chromium (installed by scripts/ensure-chromium.sh); Playwright never downloads a browser here.
export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  timeout: 60_000,
  expect: { timeout: 15_000 },
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL: process.env.E2E_BASE_URL ?? "http://127.0.0.1:8000",
    headless: true,
    viewport: { width: 1440, height: 900 }, // the desktop size the layout is checked at (no clipped columns)
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--no-sandbox"] },
  },
});
