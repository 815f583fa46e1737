import { useState, type FormEvent } from "react";
import type { Asset } from "@/api/symbols";

/** The id of the "Watch" select (Markets moves focus to it once the last tile is removed). */
export const ADD_CONTROL = "add-symbol";

/** Pick a registry symbol that is not watched yet and add it; preselects the first one with a price. `label`,
 * `id` and `button` name it for other lists (a portfolio's targets); `nested` renders it without its own
 * `<form>`, for use inside another form. */
export function AddSymbol({
  assets,
  watched,
  priced,
  onAdd,
  label = "Watch",
  id = ADD_CONTROL,
  button = "Add",
  nested = false,
}: {
  assets: Asset[];
  watched: string[];
  /** Symbols that have a latest price (unknown while loading). */
  priced?: Set<string> | undefined;
  onAdd: (symbol: string) => void;
  label?: string;
  id?: string;
  button?: string;
  nested?: boolean;
}) {
  const available = assets.filter((a) => !watched.includes(a.symbol));
  const [choice, setChoice] = useState("");
  const first = available.find((a) => priced?.has(a.symbol)) ?? available[0];
  const value = available.some((a) => a.symbol === choice) ? choice : (first?.symbol ?? "");

  function submit(event: FormEvent) {
    event.preventDefault();
    if (value) onAdd(value);
  }

  const controls = (
    <>
      <label htmlFor={id} className="muted">
        {label}
      </label>
      <select id={id} value={value} onChange={(e) => setChoice(e.target.value)} disabled={!available.length}>
        {available.map((a) => (
          <option key={a.symbol} value={a.symbol}>
            {a.symbol} — {a.name}
          </option>
        ))}
      </select>
    </>
  );
  if (nested) {
    return (
      <div className="add-symbol">
        {controls}
        <button type="button" disabled={!value} onClick={() => value && onAdd(value)}>
          {button}
        </button>
      </div>
    );
  }
  return (
    <form className="add-symbol" onSubmit={submit}>
      {controls}
      <button type="submit" disabled={!value}>
        {button}
      </button>
    </form>
  );
}
