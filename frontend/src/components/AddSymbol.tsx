import { useState, type FormEvent } from "react";
import type { Asset } from "@/api/symbols";

/** The id of the "Watch" select (Markets moves focus to it once the last tile is removed). */
export const ADD_CONTROL = "add-symbol";

/** Pick a registry symbol that is not watched yet and add it; preselects the first one with a price. */
export function AddSymbol({
  assets,
  watched,
  priced,
  onAdd,
}: {
  assets: Asset[];
  watched: string[];
  /** Symbols that have a latest price (unknown while loading). */
  priced?: Set<string> | undefined;
  onAdd: (symbol: string) => void;
}) {
  const available = assets.filter((a) => !watched.includes(a.symbol));
  const [choice, setChoice] = useState("");
  const first = available.find((a) => priced?.has(a.symbol)) ?? available[0];
  const value = available.some((a) => a.symbol === choice) ? choice : (first?.symbol ?? "");

  function submit(event: FormEvent) {
    event.preventDefault();
    if (value) onAdd(value);
  }

  return (
    <form className="add-symbol" onSubmit={submit}>
      <label htmlFor={ADD_CONTROL} className="muted">
        Watch
      </label>
      <select id={ADD_CONTROL} value={value} onChange={(e) => setChoice(e.target.value)} disabled={!available.length}>
        {available.map((a) => (
          <option key={a.symbol} value={a.symbol}>
            {a.symbol} — {a.name}
          </option>
        ))}
      </select>
      <button type="submit" disabled={!value}>
        Add
      </button>
    </form>
  );
}
