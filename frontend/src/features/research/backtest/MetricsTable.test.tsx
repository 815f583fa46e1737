import { render, screen, within } from "@testing-library/react";
import { MetricsTable } from "./MetricsTable";
import { formatMetric, metricKeys } from "./metrics";

const results = {
  totalReturn: 0.010921,
  cagr: 0.01317,
  sharpeRatio: 0.232207,
  sortinoRatio: null,
  maxDrawdown: -0.299779,
  maxDrawdownBars: 6530,
  maxDrawdownDays: 272.0833,
  winRate: 0.52,
  totalTrades: 25,
  profitFactor: 1.027788,
  expectancy: -4.368448,
  averageWin: 0.034624,
  averageLoss: -0.03436,
  bestTrade: 0.104609,
  worstTrade: -0.113993,
  exposure: 0.444032,
  buyAndHoldReturn: 0.551426,
  feesPaid: 454.001396,
  finalEquity: 10109.211208,
  bars: 7272,
  openAtEnd: false,
  someNewMetric: 1.23456,
};

const cell = (key: string) => within(screen.getByTestId("metrics-table").querySelector(`tr[data-metric="${key}"]`) as HTMLElement);

describe("MetricsTable", () => {
  it("lists every results key, known ones first, and formats each by its kind", () => {
    render(<MetricsTable results={results} />);
    const rows = screen.getByTestId("metrics-table").querySelectorAll("tbody tr");
    expect(rows).toHaveLength(Object.keys(results).length);
    expect(rows[0]).toHaveAttribute("data-metric", "totalReturn");
    expect(rows[rows.length - 1]).toHaveAttribute("data-metric", "someNewMetric");

    const expected: Record<string, [string, string]> = {
      totalReturn: ["Total return", "+1.09%"],
      cagr: ["CAGR", "+1.32%"],
      sharpeRatio: ["Sharpe ratio", "0.23"],
      sortinoRatio: ["Sortino ratio", "–"],
      maxDrawdown: ["Max drawdown", "-29.98%"],
      maxDrawdownBars: ["Longest drawdown (bars)", "6,530"],
      maxDrawdownDays: ["Longest drawdown", "272.1 days"],
      winRate: ["Win rate", "52.0%"],
      totalTrades: ["Trades", "25"],
      profitFactor: ["Profit factor", "1.03"],
      expectancy: ["Expectancy (per trade)", "-4.37"],
      exposure: ["Exposure", "44.4%"],
      buyAndHoldReturn: ["Buy & hold return", "+55.14%"],
      feesPaid: ["Fees paid", "454.00"],
      finalEquity: ["Final equity", "10,109.21"],
      bars: ["Bars", "7,272"],
      openAtEnd: ["Open at the end", "No"],
      someNewMetric: ["Some new metric", "1.2346"],
    };
    for (const [key, [label, value]] of Object.entries(expected)) {
      expect(cell(key).getByRole("rowheader")).toHaveTextContent(label);
      expect(cell(key).getByRole("cell")).toHaveTextContent(value);
    }
  });

  it("colours signed metrics by their sign only", () => {
    render(<MetricsTable results={results} />);
    expect(cell("totalReturn").getByRole("cell")).toHaveClass("up");
    expect(cell("maxDrawdown").getByRole("cell")).toHaveClass("down");
    expect(cell("expectancy").getByRole("cell")).toHaveClass("down");
    expect(cell("winRate").getByRole("cell")).not.toHaveClass("up");
    expect(cell("finalEquity").getByRole("cell")).not.toHaveClass("up");
  });
});

it("formats booleans, nulls and unknown numbers", () => {
  expect(formatMetric("openAtEnd", true)).toBe("Yes");
  expect(formatMetric("profitFactor", null)).toBe("–");
  expect(formatMetric("totalReturn", 0)).toBe("0.00%");
  expect(formatMetric("totalReturn", Number.NaN)).toBe("–");
  expect(metricKeys({ b: 1, totalTrades: 2 }, { cagr: 3 })).toEqual(["cagr", "totalTrades", "b"]);
});
