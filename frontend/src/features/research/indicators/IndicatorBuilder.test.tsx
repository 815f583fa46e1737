import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import type { Candle, Line } from "@/components/charts/CandleChart";
import { useAuth } from "@/stores/auth";
import { apiError, bar, historical, mockApi, renderWithProviders, symbols, type Call } from "@/test/utils";
import IndicatorBuilder from "./IndicatorBuilder";

// lightweight-charts needs a canvas: record what the chart is given instead.
const drawn = vi.hoisted(() => [] as { candles: Candle[]; lines: Line[] }[]);
vi.mock("@/components/charts/CandleChart", () => ({
  CandleChart: (props: { candles: Candle[]; lines: Line[]; testId?: string }) => {
    drawn.push(props);
    return <div data-testid={props.testId ?? "candle-chart"}>{props.lines.map((l) => `${l.name}@${l.pane}`).join(",")}</div>;
  },
}));

const bars = [bar("2025-03-01T00:00:00Z", 100), bar("2025-03-01T01:00:00Z", 101), bar("2025-03-01T02:00:00Z", 102)];

interface EvaluateBody {
  formula: string;
  parameters: Record<string, number>;
  symbol: string;
  interval: string;
  from: string;
  to: string;
}

/** The evaluate route: a parser error for FOO at its column in the text as sent, else one value per bar. */
function evaluate(call: Call) {
  const { formula, symbol, interval } = call.body as EvaluateBody;
  const at = formula.indexOf("FOO");
  if (at >= 0) return apiError(422, "VALIDATION_ERROR", `unknown function FOO at column ${at + 1}`, "formula");
  return {
    body: {
      indicatorId: null,
      formula,
      symbol,
      interval,
      lookback: 21,
      dataPoints: 3,
      // At each bar's open time; no value on the first bar (warm-up).
      data: [
        { timestamp: "2025-03-01T00:00:00Z", value: null },
        { timestamp: "2025-03-01T01:00:00Z", value: -4.5 },
        { timestamp: "2025-03-01T02:00:00Z", value: 3.25 },
      ],
    },
  };
}

const evaluations = (calls: Call[]) => calls.filter((c) => c.route === "POST /api/indicators/evaluate");

function setup(overrides: Parameters<typeof mockApi>[0] = {}) {
  const saved: unknown[] = [];
  const calls = mockApi({
    "GET /api/market/symbols": { body: symbols },
    "GET /api/data/historical": { body: historical(bars) },
    "POST /api/indicators/evaluate": evaluate,
    "GET /api/indicators/custom": () => ({ body: saved }),
    "POST /api/indicators/custom": (call) => {
      const body = call.body as { name: string; formula: string; parameters: Record<string, number> };
      const out = { indicatorId: 5, key: "FAST_SLOW_RSI", description: null, lookback: 21, status: "ACTIVE", createdAt: "2026-11-24T08:00:00Z", updatedAt: null, ...body };
      saved.push(out);
      return { status: 201, body: out };
    },
    ...overrides,
  });
  renderWithProviders(<IndicatorBuilder />, { path: "/research/indicators", route: "/research/*" });
  return calls;
}

describe("IndicatorBuilder", () => {
  beforeEach(() => {
    drawn.length = 0;
    useAuth.setState({ tokens: { accessToken: "a", refreshToken: "r" }, user: { id: 7, email: "u@example.com", role: "user" } });
  });

  it("checks the formula as you type and marks the API's column in the formula as typed", async () => {
    const calls = setup();
    fireEvent.click(screen.getByRole("button", { name: "Add parameter" }));
    fireEvent.change(screen.getByLabelText("Parameter 1 name"), { target: { value: "period1" } });
    fireEvent.change(screen.getByLabelText("Parameter 1 value"), { target: { value: "7" } });
    fireEvent.change(screen.getByLabelText("Formula"), { target: { value: "RSI(period1) - FOO(21)" } });

    // The formula is sent as typed, with the parameters beside it: FOO is at column 16 of both...
    const marker = await screen.findByTestId("formula-marker", {}, { timeout: 3000 });
    const check = evaluations(calls).at(-1)!;
    expect(check.body).toMatchObject({ formula: "RSI(period1) - FOO(21)", parameters: { period1: 7 }, symbol: "BTC-USD", interval: "1h" });
    // ...and the marker goes under the column the API names, unchanged.
    expect(marker).toHaveAttribute("data-column", "16");
    expect(marker.querySelector("mark")).toHaveTextContent("F");
    expect(screen.getByTestId("formula-caret").textContent).toBe(" ".repeat(15) + "^");
    expect(screen.getByTestId("formula-error")).toHaveTextContent("unknown function FOO at column 16");
    expect(screen.getByLabelText("Formula")).toHaveAttribute("aria-invalid", "true");
  });

  it("plots the formula in the lower pane, saves it and lists it", async () => {
    const calls = setup();
    fireEvent.change(screen.getByLabelText("Name"), { target: { value: "Fast Slow RSI" } });
    fireEvent.change(screen.getByLabelText("Formula"), { target: { value: "RSI(7) - RSI(21)" } });

    await waitFor(() => expect(screen.getByTestId("indicator-preview")).toHaveAttribute("data-plotted", "true"), { timeout: 3000 });
    expect(screen.getByTestId("formula-status")).toHaveTextContent("The formula parses");
    // The formula is evaluated over the candles' range...
    const sent = evaluations(calls).at(-1)!.body as EvaluateBody;
    expect(sent).toMatchObject({ formula: "RSI(7) - RSI(21)", parameters: {}, symbol: "BTC-USD", interval: "1h" });
    const candlesCall = calls.find((c) => c.route === "GET /api/data/historical")!;
    expect([sent.from, sent.to]).toEqual([candlesCall.search.get("from"), candlesCall.search.get("to")]);
    // ...and every returned point is drawn at its bar's open time, the null as a gap (the label follows the name).
    await waitFor(() => expect(drawn.at(-1)!.lines[0]?.name).toBe("Fast Slow RSI"));
    const last = drawn.at(-1)!;
    expect(last.candles.map((c) => c.time)).toEqual([1740787200, 1740790800, 1740794400]);
    expect(last.lines).toEqual([{ name: "Fast Slow RSI", pane: "lower", points: [
      { time: 1740787200, value: null },
      { time: 1740790800, value: -4.5 },
      { time: 1740794400, value: 3.25 },
    ] }]);
    expect(screen.getByTestId("indicator-preview-chart")).toHaveTextContent("Fast Slow RSI@lower");

    const before = evaluations(calls).length;
    fireEvent.click(screen.getByRole("button", { name: "Save indicator" }));
    const list = await screen.findByTestId("indicator-list");
    expect(within(list).getByText("Fast Slow RSI")).toBeInTheDocument();
    expect(within(list).getByText("FAST_SLOW_RSI")).toBeInTheDocument();
    expect(calls.find((c) => c.route === "POST /api/indicators/custom")!.body).toEqual({
      userId: 7,
      name: "Fast Slow RSI",
      formula: "RSI(7) - RSI(21)",
      description: null,
      parameters: {},
    });
    // Formulas may name custom indicators: saving one checks the formula again, through the same route.
    expect(await screen.findByRole("button", { name: "Update indicator" })).toBeInTheDocument();
    await waitFor(() => expect(evaluations(calls).length).toBeGreaterThan(before));
    expect(evaluations(calls).at(-1)!.body).toMatchObject({ formula: "RSI(7) - RSI(21)", parameters: {} });
    expect(calls.some((c) => c.route === "POST /api/alerts/backtest")).toBe(false);
  });

  it("puts the marker under the column the API reports, without mapping it through the parameters", async () => {
    const calls = setup({
      "POST /api/indicators/evaluate": apiError(422, "VALIDATION_ERROR", "formula: unexpected '*' at column 9", "formula"),
    });
    fireEvent.click(screen.getByRole("button", { name: "Add parameter" }));
    fireEvent.change(screen.getByLabelText("Parameter 1 name"), { target: { value: "n" } });
    fireEvent.change(screen.getByLabelText("Parameter 1 value"), { target: { value: "14" } });
    fireEvent.change(screen.getByLabelText("Formula"), { target: { value: "RSI(n) -* 2" } });

    const marker = await screen.findByTestId("formula-marker", {}, { timeout: 3000 });
    expect(evaluations(calls).at(-1)!.body).toMatchObject({ formula: "RSI(n) -* 2", parameters: { n: 14 } });
    expect(marker).toHaveAttribute("data-column", "9");
    expect(marker.querySelector("mark")).toHaveTextContent("*");
    expect(screen.getByTestId("formula-caret").textContent).toBe(" ".repeat(8) + "^");
    // The "formula: " prefix of validation messages is dropped.
    expect(screen.getByRole("alert")).toHaveTextContent(/^unexpected '\*' at column 9/);
    expect(screen.queryByTestId("formula-status")).not.toBeInTheDocument();
    expect(screen.getByTestId("indicator-preview")).toHaveAttribute("data-plotted", "false");
  });

  it("shows other evaluation errors as a notice, not under the formula", async () => {
    setup({ "POST /api/indicators/evaluate": apiError(404, "NO_DATA", "No BTC-USD candles in the range") });
    fireEvent.change(screen.getByLabelText("Formula"), { target: { value: "RSI(14)" } });
    expect(await screen.findByText(/No BTC-USD candles in the range/, {}, { timeout: 3000 })).toBeInTheDocument();
    expect(screen.queryByTestId("formula-marker")).not.toBeInTheDocument();
    expect(screen.getByLabelText("Formula")).not.toHaveAttribute("aria-invalid", "true");
  });

  it("shows the save's errors next to the field they name", async () => {
    setup({ "POST /api/indicators/custom": apiError(409, "CONFLICT", "You already have an indicator called RSI Gap", "name") });
    fireEvent.click(screen.getByRole("button", { name: "Save indicator" }));
    expect(await screen.findByText("Give the indicator a name")).toBeInTheDocument();
    fireEvent.change(screen.getByLabelText("Name"), { target: { value: "RSI Gap" } });
    fireEvent.change(screen.getByLabelText("Formula"), { target: { value: "RSI(7) - RSI(21)" } });
    fireEvent.click(screen.getByRole("button", { name: "Save indicator" }));
    expect(await screen.findByText("You already have an indicator called RSI Gap")).toBeInTheDocument();
    expect(screen.getByLabelText("Name")).toHaveAttribute("aria-invalid", "true");
  });
});
