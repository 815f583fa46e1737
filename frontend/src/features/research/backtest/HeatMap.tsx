import { formatMetric, metricLabel } from "./metrics";
import { heatColor, heatLevel, type HeatGrid } from "./sweep";

const cellName = (x: string, xValue: number, y: string, yValue: number) => (y ? `${x} ${xValue}, ${y} ${yValue}` : `${x} ${xValue}`);

/** A CSS grid of cells coloured by the metric (red worst, green best); y grows upwards. */
export function HeatMap({ grid, x, y, metric }: { grid: HeatGrid; x: string; y: string; metric: string }) {
  const { xs, ys, cells, min, max } = grid;
  if (xs.length === 0 || ys.length === 0 || min === null || max === null) {
    return <p className="muted">No values of {metricLabel(metric)} to map for these parameters.</p>;
  }
  const rows = ys.map((value, yi) => ({ value, yi })).reverse();
  return (
    <div className="stack">
      <div className="heatmap-scroll">
        <div
          className="heatmap"
          role="table"
          aria-label={y ? `${metricLabel(metric)} by ${x} (columns) and ${y} (rows)` : `${metricLabel(metric)} by ${x}`}
          data-testid="heatmap"
          style={{ gridTemplateColumns: `auto repeat(${xs.length}, minmax(3.2rem, 1fr))` }}
        >
          {rows.map(({ value: yValue, yi }) => (
            <div role="row" className="heatmap-row" key={yValue}>
              <div role="rowheader" className="heat-axis heat-axis-y">
                {y ? yValue : metricLabel(metric)}
              </div>
              {xs.map((xValue, xi) => {
                const v = cells[yi]?.[xi] ?? null;
                if (v === null) {
                  return (
                    <div role="cell" key={xValue} className="heat-cell heat-empty" data-testid="heat-cell" aria-label={`${cellName(x, xValue, y, yValue)}: no result`}>
                      –
                    </div>
                  );
                }
                const level = heatLevel(v, min, max);
                const text = formatMetric(metric, v);
                return (
                  <div
                    role="cell"
                    key={xValue}
                    className="heat-cell"
                    data-testid="heat-cell"
                    data-value={v}
                    data-level={level.toFixed(2)}
                    style={{ backgroundColor: heatColor(level) }}
                    title={`${cellName(x, xValue, y, yValue)}: ${text}`}
                    aria-label={`${cellName(x, xValue, y, yValue)}: ${text}`}
                  >
                    {text}
                  </div>
                );
              })}
            </div>
          ))}
          <div role="row" className="heatmap-row">
            <div role="columnheader" className="heat-axis heat-corner">
              {y ? `${y} ↑ / ${x} →` : `${x} →`}
            </div>
            {xs.map((xValue) => (
              <div role="columnheader" key={xValue} className="heat-axis heat-axis-x">
                {xValue}
              </div>
            ))}
          </div>
        </div>
      </div>
      <div className="heat-legend" aria-hidden="true">
        <span>{formatMetric(metric, min)}</span>
        <span className="heat-gradient" style={{ background: `linear-gradient(90deg, ${heatColor(0)}, ${heatColor(0.5)}, ${heatColor(1)})` }} />
        <span>{formatMetric(metric, max)}</span>
      </div>
    </div>
  );
}
