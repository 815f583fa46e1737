import { render, screen } from "@testing-library/react";
import type { SweepRow } from "../api";
import { HeatMap } from "./HeatMap";
import { heatColor, heatGrid, heatLevel } from "./sweep";

const row = (rsiPeriod: number, buyThreshold: number, sharpe: number | null, sellThreshold = 70, outSharpe: number | null = null): SweepRow => ({
  parameters: { rsiPeriod, buyThreshold, sellThreshold },
  inSample: { sharpeRatio: sharpe, totalReturn: 0.1 },
  outOfSample: { sharpeRatio: outSharpe, totalReturn: 0.05 },
});

const rows = [
  row(10, 20, 1.5),
  row(10, 30, -0.5),
  row(20, 20, 0.5),
  // Two results share (20, 30): the cell shows the best.
  row(20, 30, 0.25, 70),
  row(20, 30, 0.75, 80),
  row(30, 20, null),
];

describe("heatGrid", () => {
  it("puts the metric of each parameter pair in a cell, the best when several rows share it", () => {
    const grid = heatGrid(rows, "rsiPeriod", "buyThreshold", "sharpeRatio", "inSample");
    expect(grid.xs).toEqual([10, 20, 30]);
    expect(grid.ys).toEqual([20, 30]);
    expect(grid.cells).toEqual([
      [1.5, 0.5, null],
      [-0.5, 0.75, null],
    ]);
    expect([grid.min, grid.max]).toEqual([-0.5, 1.5]);
  });

  it("reads the out-of-sample results when asked, and makes one row without a second parameter", () => {
    const grid = heatGrid([row(10, 20, 1, 70, 0.3), row(20, 20, 1, 70, -0.1)], "rsiPeriod", "", "sharpeRatio", "outOfSample");
    expect(grid.ys).toEqual([0]);
    expect(grid.cells).toEqual([[0.3, -0.1]]);
  });
});

describe("HeatMap", () => {
  it("colours each cell by its value: red for the worst, green for the best, grey without a result", () => {
    const grid = heatGrid(rows, "rsiPeriod", "buyThreshold", "sharpeRatio", "inSample");
    render(<HeatMap grid={grid} x="rsiPeriod" y="buyThreshold" metric="sharpeRatio" />);
    const cells = screen.getAllByTestId("heat-cell");
    expect(cells).toHaveLength(6);
    const byLabel = (label: string) => screen.getByLabelText(label, { exact: false });

    const best = byLabel("rsiPeriod 10, buyThreshold 20: 1.50");
    const worst = byLabel("rsiPeriod 10, buyThreshold 30: -0.50");
    const middle = byLabel("rsiPeriod 20, buyThreshold 20: 0.50");
    expect(best).toHaveAttribute("data-level", "1.00");
    expect(worst).toHaveAttribute("data-level", "0.00");
    expect(middle).toHaveAttribute("data-level", "0.50");
    expect(best).toHaveStyle({ backgroundColor: heatColor(1) });
    expect(worst).toHaveStyle({ backgroundColor: heatColor(0) });
    expect(middle).toHaveStyle({ backgroundColor: heatColor(0.5) });
    expect(best.style.backgroundColor).not.toBe(worst.style.backgroundColor);
    expect(best).toHaveTextContent("1.50");

    const empty = byLabel("rsiPeriod 30, buyThreshold 20: no result");
    expect(empty).toHaveClass("heat-empty");
    expect(empty.style.backgroundColor).toBe("");
    // Rows go up: the larger buyThreshold is drawn first (at the top).
    expect(cells[0]).toHaveAttribute("aria-label", expect.stringContaining("buyThreshold 30"));
  });

  it("maps levels to hues from red (0) to green (120)", () => {
    expect(heatColor(0)).toMatch(/^hsl\(0,/);
    expect(heatColor(0.5)).toMatch(/^hsl\(60,/);
    expect(heatColor(1)).toMatch(/^hsl\(120,/);
    expect(heatColor(7)).toBe(heatColor(1));
    expect(heatLevel(5, 5, 5)).toBe(0.5);
  });
});
