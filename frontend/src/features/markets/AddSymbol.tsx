import { useState, type FormEvent } from "react";
import type { Asset } from "@/api/symbols";
import { ADD_CONTROL } from "./Watchlist";

/** Pick a registry symbol that is not watched yet and add it. */
export function AddSymbol({ assets, watched, onAdd }: { assets: Asset[]; watched: string[]; onAdd: (symbol: string) => void }) {
  const available = assets.filter((a) => !watched.includes(a.symbol));
  const [choice, setChoice] = useState("");
  const value = available.some((a) => a.symbol === choice) ? choice : (available[0]?.symbol ?? "");

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
