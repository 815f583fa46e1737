import { useId, useState } from "react";
import type { CatalogIndicator } from "@/api/indicators";

/**
 * A filterable multi-select of the catalog's indicators, as checkboxes. The catalog (some 60) is folded away
 * until asked for or filtered, so a keyboard user reaches "Analyse" without tabbing through every one.
 */
export function IndicatorChecklist({
  catalog,
  value,
  onChange,
  max,
  error,
}: {
  catalog: CatalogIndicator[];
  value: string[];
  onChange: (names: string[]) => void;
  max: number;
  error?: string | undefined;
}) {
  const id = useId();
  const [filter, setFilter] = useState("");
  const [open, setOpen] = useState(false);
  const needle = filter.trim().toLowerCase();
  const shown = catalog.filter(
    (i) =>
      !needle ||
      i.name.toLowerCase().includes(needle) ||
      i.title.toLowerCase().includes(needle) ||
      i.aliases.some((a) => a.toLowerCase().includes(needle)),
  );
  const toggle = (name: string, on: boolean) => onChange(on ? [...value, name] : value.filter((n) => n !== name));

  return (
    <fieldset className={"field indicator-checklist" + (error ? " field-invalid" : "")} aria-describedby={error ? `${id}-error` : undefined}>
      <legend>
        Indicators <span className="muted">({value.length} of at most {max})</span>
      </legend>
      <label htmlFor={`${id}-filter`} className="muted">
        Filter indicators
      </label>
      <input
        id={`${id}-filter`}
        type="search"
        value={filter}
        placeholder="RSI, bands, trend…"
        onChange={(e) => {
          setFilter(e.target.value);
          if (e.target.value.trim()) setOpen(true);
        }}
      />
      {value.length ? (
        <ul className="chips" aria-label="Chosen indicators">
          {value.map((name) => (
            <li key={name} className="pill chip">
              {name}
              <button type="button" className="icon" aria-label={`Remove ${name}`} onClick={() => toggle(name, false)}>
                ×
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <details className="checklist-fold" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
        <summary>
          {needle ? `${shown.length} matching “${filter.trim()}”` : `Browse all ${catalog.length} indicators`}
        </summary>
        <div className="checklist" role="group" aria-label="Catalog">
          {shown.map((i) => {
            const checked = value.includes(i.name);
            return (
              <label key={i.name} className="check">
                <input
                  type="checkbox"
                  checked={checked}
                  disabled={!checked && value.length >= max}
                  onChange={(e) => toggle(i.name, e.target.checked)}
                />
                <span>
                  <strong>{i.name}</strong> <span className="muted">{i.title}</span>
                </span>
              </label>
            );
          })}
          {!shown.length ? <p className="muted">No indicator matches “{filter}”.</p> : null}
        </div>
      </details>
      {error ? (
        <span className="field-error" role="alert" id={`${id}-error`}>
          {error}
        </span>
      ) : null}
    </fieldset>
  );
}
