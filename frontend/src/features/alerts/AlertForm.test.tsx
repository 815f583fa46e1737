import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useAuth } from "@/stores/auth";
import { fail, ok, renderWithProviders, serve } from "@/test/utils";
import { AlertForm } from "./AlertForm";

const SYMBOLS = [
  { symbol: "BTC-USD", name: "Bitcoin", coingeckoId: null, coinmarketcapId: null, binancePair: null, coinbaseProduct: null, stablecoin: false },
  { symbol: "ETH-USD", name: "Ethereum", coingeckoId: null, coinmarketcapId: null, binancePair: null, coinbaseProduct: null, stablecoin: false },
];
const CATALOG = {
  indicators: [
    { name: "RSI", title: "Relative Strength Index", group: "Momentum", params: [{ name: "period", default: 14, min: 2, max: 100000, integer: true }], outputs: ["real"] },
    { name: "MACD", title: "MACD", group: "Momentum", params: [], outputs: ["macd", "signal", "hist"] },
  ],
  functions: ["ABS", "SHIFT"],
};
const PATTERNS = {
  candles: [
    { name: "CDLENGULFING", title: "Engulfing", direction: "both", candles: 2, description: "A body that engulfs the one before" },
    { name: "CDLDOJI", title: "Doji", direction: "neutral", candles: 1, description: "Open and close nearly equal" },
  ],
  chart: [
    { kind: "double_bottom", title: "Double bottom", direction: "bullish" },
    { kind: "double_top", title: "Double top", direction: "bearish" },
  ],
};
const STATS = {
  symbol: "BTC-USD",
  pattern: "double_bottom",
  title: "Double bottom",
  direction: "bullish",
  interval: "4h",
  bars: 2190,
  from: "2025-01-01T00:00:00Z",
  to: "2026-11-24T00:00:00Z",
  count: 12,
  horizons: [
    { bars: 1, count: 12, followed: 0.5833, medianMove: 0.0041 },
    { bars: 5, count: 12, followed: 0.6667, medianMove: 0.0123 },
    { bars: 20, count: 11, followed: 0.5455, medianMove: 0.0207 },
  ],
  computedAt: "2026-11-24T00:00:00Z",
};
const base = {
  "GET /api/market/symbols": () => ok(SYMBOLS),
  "GET /api/indicators": () => ok(CATALOG),
  "GET /api/indicators/custom": () => ok([]),
};

beforeEach(() => {
  useAuth.setState({ tokens: { accessToken: "a", refreshToken: "r" }, user: { id: 7, email: "u@example.com", role: "user" } });
});

function renderForm() {
  return renderWithProviders(<AlertForm />, { path: "/alerts/new", route: "/alerts/new" });
}

const submit = () => screen.getByRole("button", { name: "Create alert" });

describe("AlertForm", () => {
  it("has a labelled input for every part of the rule, and every operator", async () => {
    serve(base);
    renderForm();
    const condition = screen.getByLabelText("Condition");
    const values = within(condition).getAllByRole("option").map((o) => (o as HTMLOptionElement).value);
    expect(values).toEqual([
      "PRICE_ABOVE", "PRICE_BELOW", "GREATER_THAN", "LESS_THAN", "CROSSING", "CROSSING_UP", "CROSSING_DOWN",
      "ENTERING_CHANNEL", "EXITING_CHANNEL", "INSIDE_CHANNEL", "OUTSIDE_CHANNEL",
      "MOVING_UP", "MOVING_DOWN", "MOVING_UP_PERCENT", "MOVING_DOWN_PERCENT", "VOLUME_SPIKE",
      "FEAR_GREED_BELOW", "FEAR_GREED_ABOVE", "SENTIMENT_BELOW", "SENTIMENT_ABOVE", "WHALE_MOVEMENTS_ABOVE",
      "PATTERN_DETECTED",
    ]);
    for (const label of ["Symbol", "Operand", "Threshold", "Timeframe", "Frequency", "Expires at", "Confirm ticks", "Confirm seconds"]) {
      expect(screen.getByLabelText(label)).toBeInTheDocument();
    }
    for (const channel of ["IN_APP", "EMAIL", "SMS", "DISCORD", "TELEGRAM", "WEBHOOK"]) {
      expect(screen.getByLabelText(new RegExp(`\\(${channel}\\)`))).toBeInTheDocument();
    }
    expect(await screen.findByRole("option", { name: "ETH-USD — Ethereum" })).toBeInTheDocument();
  });

  it("shows lower >= upper as the user types, and disables submit", async () => {
    serve(base);
    const user = userEvent.setup();
    renderForm();
    await user.selectOptions(screen.getByLabelText("Condition"), "ENTERING_CHANNEL");
    expect(screen.queryByLabelText("Threshold")).not.toBeInTheDocument();
    expect(screen.queryByText("Lower bound is required")).not.toBeInTheDocument(); // not before it is edited
    await user.type(screen.getByLabelText("Lower bound"), "200");
    await user.type(screen.getByLabelText("Upper bound"), "100");
    const lower = screen.getByLabelText("Lower bound");
    expect(lower).toHaveAttribute("aria-invalid", "true");
    expect(document.getElementById("alert-lower-error")).toHaveTextContent("Lower bound must be below the upper bound");
    expect(submit()).toBeDisabled();

    await user.clear(screen.getByLabelText("Upper bound"));
    await user.type(screen.getByLabelText("Upper bound"), "300");
    expect(document.getElementById("alert-lower-error")).toBeNull();
    expect(submit()).toBeEnabled();
  });

  it("validates threshold and window live", async () => {
    serve(base);
    const user = userEvent.setup();
    renderForm();
    expect(submit()).toBeDisabled();
    expect(screen.getByText(/Still needed: Threshold/)).toBeInTheDocument();
    await user.type(screen.getByLabelText("Threshold"), "-3");
    expect(await screen.findByText("Threshold must be above 0")).toBeInTheDocument();
    await user.selectOptions(screen.getByLabelText("Condition"), "MOVING_UP_PERCENT");
    await user.type(screen.getByLabelText("Window (bars)"), "2.5");
    expect(screen.getByText("Window must be a whole number")).toBeInTheDocument();
    expect(submit()).toBeDisabled();
  });

  it("shows the API's 422 for metadata.window next to the window field", async () => {
    const { calls } = serve({
      ...base,
      "POST /api/alerts": () => fail(422, "VALIDATION_ERROR", "metadata.window must be a whole number of bars, 1 to 1000", "metadata.window"),
    });
    const user = userEvent.setup();
    renderForm();
    await user.selectOptions(screen.getByLabelText("Condition"), "MOVING_DOWN");
    await user.type(screen.getByLabelText(/^Threshold/), "500");
    await user.type(screen.getByLabelText("Window (bars)"), "12");
    await user.click(submit());

    const window = screen.getByLabelText("Window (bars)");
    await waitFor(() => expect(window).toHaveAttribute("aria-invalid", "true"));
    const message = document.getElementById("alert-window-error");
    expect(message).toHaveTextContent("metadata.window must be a whole number of bars, 1 to 1000");
    expect(window).toHaveAttribute("aria-describedby", "alert-window-error");
    expect(window.closest(".field")).toContainElement(message);

    const post = calls.find((c) => c.method === "POST");
    expect(post?.body).toMatchObject({ userId: 7, condition: "MOVING_DOWN", threshold: 500, metadata: { window: 12 }, channels: ["IN_APP"] });

    // Editing the field clears the API's message.
    await user.type(window, "0");
    expect(document.getElementById("alert-window-error")).toBeNull();
  });

  it("shows a channel error from the API on the channels", async () => {
    serve({
      ...base,
      "POST /api/alerts": () => fail(422, "VALIDATION_ERROR", "EMAIL is not set up: add it to your preferences", "channels"),
    });
    const user = userEvent.setup();
    renderForm();
    await user.type(screen.getByLabelText("Threshold"), "150000");
    await user.click(screen.getByLabelText(/\(EMAIL\)/));
    await user.click(submit());
    expect(await screen.findByText("EMAIL is not set up: add it to your preferences")).toHaveAttribute("id", "alert-channels-error");
  });

  it("spreads a 422's details over the fields, and shows the rest above the button", async () => {
    serve({
      ...base,
      "POST /api/alerts": () =>
        new Response(
          JSON.stringify({
            status: "error",
            code: "VALIDATION_ERROR",
            message: "threshold: Input should be a finite number (and 1 more)",
            field: "threshold",
            details: [
              { field: "threshold", message: "Input should be a finite number" },
              { field: "body", message: "something else" },
            ],
          }),
          { status: 422, headers: { "Content-Type": "application/json" } },
        ),
    });
    const user = userEvent.setup();
    renderForm();
    await user.type(screen.getByLabelText("Threshold"), "150000");
    await user.click(submit());
    expect(await screen.findByText("Input should be a finite number")).toHaveAttribute("id", "alert-threshold-error");
    expect(screen.getByText("body: something else")).toHaveClass("form-error");
  });

  it("creates the alert and goes back to the list", async () => {
    const { calls } = serve({
      ...base,
      "POST /api/alerts": (_, body) => ok({ id: 42, ...(body as object), status: "ACTIVE", triggerCount: 0 }, 201),
    });
    const user = userEvent.setup();
    renderForm();
    await user.type(screen.getByLabelText("Threshold"), "150000");
    await user.click(submit());
    expect(await screen.findByText("elsewhere")).toBeInTheDocument();
    expect(calls.find((c) => c.method === "POST")?.body).toEqual({
      userId: 7,
      symbol: "BTC-USD",
      condition: "PRICE_ABOVE",
      threshold: 150000,
      channels: ["IN_APP"],
      metadata: {},
      frequency: "ONCE",
      cooldownSeconds: 0,
      expiresAt: null,
      confirmTicks: 1,
      confirmSeconds: 0,
    });
  });

  it("creates a Fear & Greed alert: only a threshold in 0–100, no metadata, no backtest preview", async () => {
    const { calls } = serve({
      ...base,
      "POST /api/alerts": (_, body) => ok({ id: 43, ...(body as object), status: "ACTIVE", triggerCount: 0 }, 201),
    });
    const user = userEvent.setup();
    renderForm();
    await user.selectOptions(screen.getByLabelText("Condition"), "FEAR_GREED_BELOW");
    expect(screen.getByRole("option", { name: "Fear & Greed below (FEAR_GREED_BELOW)" })).toBeInTheDocument();
    for (const label of ["Operand", "Timeframe", "Lower bound", "Window (bars)", "Confirm ticks", "Confirm seconds"]) {
      expect(screen.queryByLabelText(label)).not.toBeInTheDocument();
    }
    expect(screen.queryByRole("button", { name: "Preview" })).not.toBeInTheDocument();
    expect(screen.getByTestId("series-note")).toHaveTextContent("Judged every 5 minutes on the research figures; not backtested on prices.");

    const threshold = screen.getByLabelText("Threshold (index 0–100)");
    await user.type(threshold, "150");
    expect(await screen.findByText("Threshold must be at most 100")).toBeInTheDocument();
    expect(submit()).toBeDisabled();
    await user.clear(threshold);
    await user.type(threshold, "20");
    await user.click(submit());
    expect(await screen.findByText("elsewhere")).toBeInTheDocument();
    expect(calls.find((c) => c.method === "POST")?.body).toEqual({
      userId: 7,
      symbol: "BTC-USD",
      condition: "FEAR_GREED_BELOW",
      threshold: 20,
      channels: ["IN_APP"],
      metadata: {},
      frequency: "ONCE",
      cooldownSeconds: 0,
      expiresAt: null,
      confirmTicks: 1,
      confirmSeconds: 0,
    });
    expect(calls.some((c) => c.route.includes("/backtest"))).toBe(false);
  });

  it("offers a research series only ONCE and EVERY_TIME, with the series' own threshold", async () => {
    const { calls } = serve({
      ...base,
      "POST /api/alerts": (_, body) => ok({ id: 44, ...(body as object), status: "ACTIVE", triggerCount: 0 }, 201),
    });
    const user = userEvent.setup();
    renderForm();
    const frequency = screen.getByLabelText("Frequency");
    const values = () => within(frequency).getAllByRole("option").map((o) => (o as HTMLOptionElement).value);
    expect(values()).toEqual(["ONCE", "EVERY_TIME", "ONCE_PER_BAR", "ONCE_PER_BAR_CLOSE"]);
    await user.selectOptions(frequency, "ONCE_PER_BAR");

    await user.selectOptions(screen.getByLabelText("Condition"), "WHALE_MOVEMENTS_ABOVE");
    expect(values()).toEqual(["ONCE", "EVERY_TIME"]);
    expect(frequency).toHaveValue("ONCE"); // ONCE_PER_BAR is not one of them
    expect(screen.getByLabelText("Threshold (transfers in 24 h)")).toBeInTheDocument();
    await user.selectOptions(screen.getByLabelText("Condition"), "SENTIMENT_ABOVE");
    await user.type(screen.getByLabelText("Threshold (score 0–1)"), "0.6");
    await user.selectOptions(frequency, "EVERY_TIME");
    await user.clear(screen.getByLabelText("Cooldown (seconds)"));
    await user.type(screen.getByLabelText("Cooldown (seconds)"), "3600");
    await user.click(submit());
    await screen.findByText("elsewhere");
    expect(calls.find((c) => c.method === "POST")?.body).toMatchObject({
      condition: "SENTIMENT_ABOVE",
      threshold: 0.6,
      metadata: {},
      frequency: "EVERY_TIME",
      cooldownSeconds: 3600,
    });
  });

  it("creates the seed's alert: a price level confirmed by RSI, with a label on every input", async () => {
    const { calls } = serve({
      ...base,
      "POST /api/alerts": (_, body) => ok({ id: 43, ...(body as object), status: "ACTIVE", triggerCount: 0 }, 201),
    });
    const user = userEvent.setup();
    renderForm();
    await user.type(screen.getByLabelText("Threshold"), "50000");
    await user.selectOptions(screen.getByLabelText("Operand"), "INDICATOR");
    await screen.findByRole("option", { name: /RSI/ });
    await user.selectOptions(screen.getByLabelText("Indicator"), "RSI");
    expect(screen.getByLabelText("Indicator comparison")).toHaveValue(">=");
    await user.type(screen.getByLabelText("Indicator level"), "70");
    await user.click(submit());
    await waitFor(() => expect(calls.find((c) => c.route === "POST /api/alerts")).toBeDefined());
    expect(calls.find((c) => c.route === "POST /api/alerts")?.body).toMatchObject({
      condition: "PRICE_ABOVE",
      threshold: 50000,
      metadata: { indicator: "RSI", value: 70 },
    });
  });

  it("builds an indicator operand with parameters and output", async () => {
    serve(base);
    const user = userEvent.setup();
    renderForm();
    await user.selectOptions(screen.getByLabelText("Operand"), "INDICATOR");
    await screen.findByRole("option", { name: /RSI/ });
    await user.selectOptions(screen.getByLabelText("Indicator"), "RSI");
    await user.type(screen.getByLabelText("period"), "1");
    expect(screen.getByText("period must be at least 2")).toBeInTheDocument();
    await user.selectOptions(screen.getByLabelText("Indicator"), "MACD");
    expect(screen.queryByLabelText("period")).not.toBeInTheDocument();
    expect(screen.getByLabelText("Output")).toHaveValue("macd");
  });

  it("takes a custom indicator or an inline formula as the operand", async () => {
    const { calls } = serve({
      ...base,
      "GET /api/indicators/custom": () =>
        ok([{ indicatorId: 3, name: "Fast RSI", key: "FAST_RSI", formula: "RSI(7)", description: null, parameters: {}, lookback: 7, status: "ACTIVE", createdAt: "2026-11-01T00:00:00Z", updatedAt: null }]),
      "POST /api/alerts/backtest": () => fail(404, "NO_DATA", "No candles"),
    });
    const user = userEvent.setup();
    renderForm();
    await user.selectOptions(screen.getByLabelText("Condition"), "CROSSING_DOWN");
    await user.selectOptions(screen.getByLabelText("Operand"), "CUSTOM");
    await screen.findByRole("option", { name: "Fast RSI" });
    await user.selectOptions(screen.getByLabelText("Custom indicator"), "FAST_RSI");
    await user.type(screen.getByLabelText("Threshold"), "-5");
    await user.click(screen.getByRole("button", { name: "Preview" }));
    await screen.findByTestId("backtest-error");
    expect(calls.at(-1)?.body).toMatchObject({ condition: "CROSSING_DOWN", threshold: -5, metadata: { indicator: "FAST_RSI" } });

    await user.selectOptions(screen.getByLabelText("Operand"), "FORMULA");
    expect(submit()).toBeDisabled();
    await user.type(screen.getByLabelText("Formula"), "RSI(14) - RSI(28)");
    await user.click(screen.getByRole("button", { name: "Preview" }));
    await waitFor(() => expect(calls.at(-1)?.body).toMatchObject({ metadata: { formula: "RSI(14) - RSI(28)" } }));
  });

  it("previews what would have fired", async () => {
    const { calls } = serve({
      ...base,
      "POST /api/alerts/backtest": () =>
        ok({
          symbol: "BTC-USD",
          condition: "PRICE_ABOVE",
          operand: "PRICE",
          timeframe: "1h",
          evaluatedOn: "BAR_CLOSES",
          from: "2025-01-01T00:00:00Z",
          to: "2025-02-01T00:00:00Z",
          bars: 744,
          count: 2,
          triggers: [
            { timestamp: "2025-01-06T10:00:00Z", price: 101000, value: 101000, direction: "UP", returns: { "1h": 0.004, "24h": -0.01, "7d": null } },
            { timestamp: "2025-01-20T08:00:00Z", price: 106000, value: 106000, direction: "UP", returns: { "1h": 0.001, "24h": 0.02, "7d": -0.05 } },
          ],
          summary: {
            "1h": { judged: 2, meanReturn: 0.0025, medianReturn: 0.0025, inDirection: 1 },
            "24h": { judged: 2, meanReturn: 0.005, medianReturn: 0.005, inDirection: 0.5 },
            "7d": { judged: 1, meanReturn: -0.05, medianReturn: -0.05, inDirection: 0 },
          },
        }),
    });
    const user = userEvent.setup();
    renderForm();
    const preview = screen.getByRole("button", { name: "Preview" });
    expect(preview).toBeDisabled();
    await user.type(screen.getByLabelText("Threshold"), "100000");
    await user.click(preview);
    expect(await screen.findByTestId("backtest-count")).toHaveTextContent("2");
    expect(screen.getByTestId("in-direction-24h")).toHaveTextContent("50%");
    expect(within(screen.getByRole("table", { name: "Triggers" })).getAllByRole("row")).toHaveLength(3);
    expect(calls.find((c) => c.url.pathname === "/api/alerts/backtest")?.body).toEqual({
      symbol: "BTC-USD",
      condition: "PRICE_ABOVE",
      threshold: 100000,
      metadata: {},
      frequency: "EVERY_TIME",
      cooldownSeconds: 0,
    });
  });

  it("explains a preview over a range without data", async () => {
    serve({ ...base, "POST /api/alerts/backtest": () => fail(404, "NO_DATA", "No candles for BTC-USD", "symbol") });
    const user = userEvent.setup();
    renderForm();
    await user.type(screen.getByLabelText("Threshold"), "100000");
    await user.click(screen.getByRole("button", { name: "Preview" }));
    expect(await screen.findByTestId("backtest-error")).toHaveTextContent(/No stored prices in this range/);
  });
  it("shows the preview's 422 about the rule next to its field, until the field is edited", async () => {
    serve({ ...base, "POST /api/alerts/backtest": () => fail(422, "VALIDATION_ERROR", "threshold must be at most 1e15", "threshold") });
    const user = userEvent.setup();
    renderForm();
    await user.type(screen.getByLabelText("Threshold"), "9");
    await user.click(screen.getByRole("button", { name: "Preview" }));
    expect(await screen.findByTestId("backtest-error")).toHaveTextContent("see the highlighted field above");
    expect(document.getElementById("alert-threshold-error")).toHaveTextContent("threshold must be at most 1e15");
    expect(screen.getByLabelText("Threshold")).toHaveAttribute("aria-invalid", "true");

    await user.type(screen.getByLabelText("Threshold"), "0");
    expect(document.getElementById("alert-threshold-error")).toBeNull();
  });

  it("creates a pattern alert: a pattern from the grouped catalog, a timeframe and a direction, no threshold", async () => {
    const { calls } = serve({
      ...base,
      "GET /api/patterns": () => ok(PATTERNS),
      "GET /api/patterns/stats": () => ok(STATS),
      "POST /api/alerts": (_, body) => ok({ id: 45, ...(body as object), status: "ACTIVE", triggerCount: 0 }, 201),
    });
    const user = userEvent.setup();
    renderForm();
    await user.type(screen.getByLabelText("Threshold"), "5"); // typed for another condition: not sent
    await user.selectOptions(screen.getByLabelText("Condition"), "PATTERN_DETECTED");
    expect(screen.getByRole("option", { name: "Pattern detected (PATTERN_DETECTED)" })).toBeInTheDocument();
    for (const label of ["Operand", "Threshold", "Lower bound", "Window (bars)", "Confirm ticks", "Confirm seconds"]) {
      expect(screen.queryByLabelText(label)).not.toBeInTheDocument();
    }
    const picker = screen.getByLabelText("Pattern");
    await waitFor(() => expect(picker).toBeEnabled());
    const groups = within(picker).getAllByRole("group");
    expect(groups.map((g) => g.getAttribute("label"))).toEqual(["Candlestick", "Chart"]);
    expect(within(groups[0]!).getByRole("option", { name: "Engulfing (CDLENGULFING)" })).toBeInTheDocument();
    expect(within(groups[1]!).getByRole("option", { name: "Double bottom" })).toBeInTheDocument();
    expect(submit()).toBeDisabled();
    expect(screen.getByText(/Still needed: Pattern/)).toBeInTheDocument();
    expect(screen.getByText(/Choose a pattern to see how often/)).toBeInTheDocument();

    await user.selectOptions(picker, "double_bottom");
    await user.selectOptions(screen.getByLabelText("Timeframe"), "4h");
    await user.selectOptions(screen.getByLabelText("Direction"), "bullish");
    expect(await screen.findByTestId("pattern-stats-count")).toHaveTextContent("12");
    const stats = calls.filter((c) => c.route === "GET /api/patterns/stats").at(-1)!;
    expect(Object.fromEntries(stats.search)).toEqual({ symbol: "BTC-USD", pattern: "double_bottom", interval: "4h" });
    expect(screen.getByRole("table", { name: "Moves after each occurrence" })).toHaveTextContent("67%");
    expect(calls.some((c) => c.route === "POST /api/alerts/backtest")).toBe(false);

    await user.click(submit());
    expect(await screen.findByText("elsewhere")).toBeInTheDocument();
    expect(calls.find((c) => c.route === "POST /api/alerts")?.body).toEqual({
      userId: 7,
      symbol: "BTC-USD",
      condition: "PATTERN_DETECTED",
      threshold: null,
      channels: ["IN_APP"],
      metadata: { pattern: "double_bottom", timeframe: "4h", direction: "bullish" },
      frequency: "ONCE",
      cooldownSeconds: 0,
      expiresAt: null,
      confirmTicks: 1,
      confirmSeconds: 0,
    });
  });

  it("refuses a direction the pattern never has, and says the record is being computed", async () => {
    serve({
      ...base,
      "GET /api/patterns": () => ok(PATTERNS),
      "GET /api/patterns/stats": () => ok({ jobId: "j1", status: "PENDING" }, 202),
    });
    const user = userEvent.setup();
    renderForm();
    await user.selectOptions(screen.getByLabelText("Condition"), "PATTERN_DETECTED");
    await waitFor(() => expect(screen.getByLabelText("Pattern")).toBeEnabled());
    await user.selectOptions(screen.getByLabelText("Pattern"), "double_top");
    expect(await screen.findByText(/Going through the stored 1h bars of BTC-USD/)).toBeInTheDocument();
    await user.selectOptions(screen.getByLabelText("Direction"), "bullish");
    expect(document.getElementById("alert-pattern-direction-error")).toHaveTextContent("Double top is bearish: choose Any or bearish");
    expect(screen.getByLabelText("Direction")).toHaveAttribute("aria-invalid", "true");
    expect(submit()).toBeDisabled();

    await user.selectOptions(screen.getByLabelText("Pattern"), "CDLENGULFING"); // bullish or bearish
    expect(document.getElementById("alert-pattern-direction-error")).toBeNull();
    expect(submit()).toBeEnabled();
    await user.selectOptions(screen.getByLabelText("Pattern"), "CDLDOJI");
    expect(document.getElementById("alert-pattern-direction-error")).toHaveTextContent("Doji is neutral: choose Any");
  });
});
