import { useState, type FormEvent } from "react";
import type { CatalogIndicator, CustomIndicator } from "@/api/indicators";
import { builtinPane } from "./overlays";
import type { OverlayState } from "./useOverlayLines";

const GROUP_TITLES: Record<string, string> = {
  overlap: "Moving averages",
  volatility: "Volatility and bands",
  momentum: "Momentum",
  trend: "Trend",
  volume: "Volume",
  price: "Price transforms",
  pattern: "Candlestick patterns (+100 bullish, -100 bearish)",
  "chart pattern": "Chart patterns (+1 bullish, -1 bearish, on the completing bar)",
};

/** Choose overlays from the catalog (grouped) and the user's custom indicators; chips to remove them. */
export function OverlayPicker({
  catalog,
  customs,
  selected,
  states,
  onChange,
}: {
  catalog: CatalogIndicator[];
  customs: CustomIndicator[];
  selected: string[];
  states: OverlayState[];
  onChange: (refs: string[]) => void;
}) {
  const [choice, setChoice] = useState("");
  const groups = new Map<string, CatalogIndicator[]>();
  for (const indicator of catalog) {
    if (selected.includes(`builtin:${indicator.name}`)) continue;
    groups.set(indicator.group, [...(groups.get(indicator.group) ?? []), indicator]);
  }
  const own = customs.filter((c) => !selected.includes(`custom:${c.indicatorId}`));
  const options = [...[...groups.values()].flat().map((i) => `builtin:${i.name}`), ...own.map((c) => `custom:${c.indicatorId}`)];
  const value = options.includes(choice) ? choice : "";

  function add(event: FormEvent) {
    event.preventDefault();
    if (value) onChange([...selected, value]);
    setChoice("");
  }

  return (
    <div className="overlays">
      <form className="row overlay-form" onSubmit={add}>
        <div className="field">
          <label htmlFor="overlay-choice">Indicator</label>
          <select id="overlay-choice" value={value} onChange={(e) => setChoice(e.target.value)}>
            <option value="">Choose an indicator…</option>
            {[...groups.entries()].map(([group, indicators]) => (
              <optgroup key={group} label={GROUP_TITLES[group] ?? group}>
                {indicators.map((i) => (
                  <option key={i.name} value={`builtin:${i.name}`}>
                    {i.name} — {i.title}
                    {builtinPane(i) === "price" ? " (on price)" : ""}
                  </option>
                ))}
              </optgroup>
            ))}
            {own.length ? (
              <optgroup label="Your indicators">
                {own.map((c) => (
                  <option key={c.indicatorId} value={`custom:${c.indicatorId}`}>
                    {c.name} — {c.formula}
                  </option>
                ))}
              </optgroup>
            ) : null}
          </select>
        </div>
        <button type="submit" disabled={!value}>
          Add overlay
        </button>
      </form>
      {states.length ? (
        <ul className="chips" aria-label="Overlays on the chart">
          {states.map((s) => (
            <li key={s.ref} className={"pill chip" + (s.error ? " chip-error" : "")} title={s.error ?? undefined}>
              <span>{s.label}</span>
              {s.loading ? <span className="muted" aria-label="loading"> …</span> : null}
              <button
                type="button"
                className="icon"
                aria-label={`Remove ${s.label}`}
                onClick={() => onChange(selected.filter((ref) => ref !== s.ref))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {states
        .filter((s) => s.error)
        .map((s) => (
          <p key={s.ref} className="form-error" role="alert">
            {s.label}: {s.error}
          </p>
        ))}
    </div>
  );
}
