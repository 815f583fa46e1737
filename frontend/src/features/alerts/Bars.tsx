/** Small inline charts for the metrics: horizontal bars whose length is the value's share of `max`. */

export interface BarItem {
  label: string;
  value: number | null;
  text: string;
  tone?: "up" | "down" | "warn" | "accent";
}

export function Bars({ items, max, label }: { items: BarItem[]; max?: number; label: string }) {
  const top = max ?? Math.max(1, ...items.map((i) => i.value ?? 0));
  return (
    <ul className="alert-bars" aria-label={label}>
      {items.map((item) => {
        const share = item.value === null || top <= 0 ? 0 : Math.max(0, Math.min(1, item.value / top));
        return (
          <li key={item.label} className="alert-bar">
            <span className="alert-bar-label">{item.label}</span>
            <span className="alert-bar-track" aria-hidden="true">
              <span className={`alert-bar-fill alert-bar-${item.tone ?? "accent"}`} style={{ width: `${share * 100}%` }} />
            </span>
            <span className="alert-bar-value num">{item.text}</span>
          </li>
        );
      })}
    </ul>
  );
}

/** A rate (0..1) as a ring with the percent in the middle. */
export function Ring({ rate, label }: { rate: number | null; label: string }) {
  const r = 26;
  const circumference = 2 * Math.PI * r;
  const share = rate === null ? 0 : Math.max(0, Math.min(1, rate));
  const text = rate === null ? "–" : `${Math.round(share * 100)}%`;
  const tone = rate === null ? "" : share >= 0.5 ? "alert-ring-up" : "alert-ring-down";
  return (
    <svg className={`alert-ring ${tone}`} viewBox="0 0 64 64" width="72" height="72" role="img" aria-label={`${label}: ${text}`}>
      <circle cx="32" cy="32" r={r} className="alert-ring-track" />
      {share > 0 ? (
        <circle
          cx="32"
          cy="32"
          r={r}
          className="alert-ring-fill"
          strokeDasharray={`${share * circumference} ${circumference}`}
          transform="rotate(-90 32 32)"
        />
      ) : null}
      <text x="32" y="36" textAnchor="middle" className="alert-ring-text">
        {text}
      </text>
    </svg>
  );
}
