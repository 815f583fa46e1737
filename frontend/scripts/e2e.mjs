// End-to-end run: build the app, start the real backend (embedded: SQLite, in-process) on a free port with a
// throw-away data directory and the scripted language model (backend/tests/agent/scripted_llm.py) as its research
// assistant's provider, run Playwright against it with Debian's Chromium, stop both.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const cryptomon = join(root, "../backend/.venv/bin/cryptomon");
const python = join(root, "../backend/.venv/bin/python");
const scriptedLlm = join(root, "../backend/tests/agent/scripted_llm.py");
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (!existsSync(chromium)) {
  console.error(`No Chromium at ${chromium}: run scripts/ensure-chromium.sh (make test does).`);
  process.exit(1);
}
const run = (cmd, args) => {
  const result = spawnSync(cmd, args, { cwd: root, stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
};
const data = mkdtempSync(join(tmpdir(), "cryptomon-e2e-"));
const dist = join(data, "dist"); // a build of its own: runs side by side never share one
run("npx", ["vite", "build", "--logLevel", "warn", "--outDir", dist, "--emptyOutDir"]);

const freePort = () =>
  new Promise((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
const port = await freePort();
const llmPort = await freePort();
const env = {
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("CRYPTOMON_"))),
  CRYPTOMON_DATA_DIR: data,
  CRYPTOMON_FRONTEND_DIR: dist,
  CRYPTOMON_DEMO_ACCOUNT: "false",
  CRYPTOMON_LOG_LEVEL: "WARNING",
  CRYPTOMON_SECRET_KEY: "e2e-secret-key-" + "x".repeat(32),
  CRYPTOMON_MARKET_SOURCES: "[]", // prices come from the tests' pushes only: every number is known
  // Each spec pushes BTC-USD at its own level (the seed's 50,250, alerts' 150,000...) into one feed: the
  // outlier filter, which judges a price against the feed's recent median, would make them depend on order.
  CRYPTOMON_OUTLIER_MAX_DEVIATION: "100",
  // Every spec signs up from 127.0.0.1: at full speed the suite makes more than the 20 sign-ins a minute one
  // address may (a real user is refused with 429; the backend tests check that limit).
  CRYPTOMON_LOGIN_IP_LIMIT: "1000",
  // The research assistant's model: picks tools by keywords ("rsi", "set an alert"), "__error__" answers 500.
  CRYPTOMON_LLM_PROVIDER: "openai",
  CRYPTOMON_LLM_BASE_URL: `http://127.0.0.1:${llmPort}/v1`,
  CRYPTOMON_LLM_API_KEY: "e2e",
  CRYPTOMON_LLM_MODEL: "scripted",
};
// E2E_DEFAULT_MARKET=1: the product's default market sources instead (replay, simulator, peg), for the
// specs that check what a fresh install shows (e2e/default-market.spec.ts).
const defaultMarket = process.env.E2E_DEFAULT_MARKET === "1";
if (defaultMarket) delete env.CRYPTOMON_MARKET_SOURCES;
const admin = { email: "admin@e2e.example.com", password: "admin-password-123" };
const cli = (args) => {
  const result = spawnSync(cryptomon, args, { env, stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
};
cli(["migrate"]);
cli(["create-user", "--email", admin.email, "--password", admin.password, "--admin"]);
// Real recorded hours for charts, indicators and backtests.
cli(["backfill", "--symbol", "BTC-USD", "--interval", "1h", "--from", "2025-01-01", "--source", "replay"]);
const llm = spawn(python, [scriptedLlm, "--port", String(llmPort)], { env, stdio: "inherit" });
const server = spawn(cryptomon, ["serve", "--host", "127.0.0.1", "--port", String(port), "--no-migrate"], {
  env,
  stdio: "inherit",
});
const base = `http://127.0.0.1:${port}`;
const ready = (url) => fetch(url).then((r) => r.ok, () => false);
let up = false;
// The default market primes the replay's open bars before the server answers: allow it longer on a busy box.
const tries = defaultMarket ? 900 : 300;
for (let i = 0; i < tries && !up; i++) {
  await new Promise((r) => setTimeout(r, 200));
  up = (await ready(`${base}/health/ready`)) && (await ready(`http://127.0.0.1:${llmPort}/v1/models`));
}
let status = 1;
if (!up) {
  console.error("the backend or the scripted language model did not come up");
} else {
  const result = spawnSync("npx", ["playwright", "test", ...process.argv.slice(2)], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, E2E_DEFAULT_MARKET: defaultMarket ? "1" : "", E2E_BASE_URL: base, E2E_ADMIN_EMAIL: admin.email, E2E_ADMIN_PASSWORD: admin.password },
  });
  status = result.status ?? 1;
}
for (const child of [server, llm]) {
  if (child.exitCode !== null || child.signalCode !== null) continue;
  child.kill("SIGTERM");
  await new Promise((r) => child.once("exit", r));
}
rmSync(data, { recursive: true, force: true });
process.exit(status);
