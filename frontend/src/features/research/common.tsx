import { ApiError } from "@/api/errors";
import { useSymbols } from "@/api/symbols";
import { Field } from "@/components/ui";
import { INTERVALS, type Interval } from "@/lib/intervals";

/** Inputs and notices the three research tabs share. */

export function SymbolField({
  id,
  label = "Symbol",
  value,
  onChange,
  error,
}: {
  id: string;
  label?: string;
  value: string;
  onChange: (symbol: string) => void;
  error?: string | undefined;
}) {
  const symbols = useSymbols();
  const listed = symbols.data ?? [];
  // Keep the chosen symbol selectable while the list loads (or if it is not listed).
  const options = listed.some((a) => a.symbol === value) ? listed : [{ symbol: value, name: value }, ...listed];
  return (
    <Field label={label} htmlFor={id} error={error ?? (symbols.error ? "Could not load the symbols" : undefined)}>
      <select
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-busy={symbols.isPending}
        aria-invalid={error ? true : undefined}
      >
        {options.map((a) => (
          <option key={a.symbol} value={a.symbol}>
            {a.symbol === a.name ? a.symbol : `${a.symbol} · ${a.name}`}
          </option>
        ))}
      </select>
    </Field>
  );
}

export function IntervalField({
  id,
  label = "Interval",
  value,
  onChange,
  error,
}: {
  id: string;
  label?: string;
  value: Interval;
  onChange: (interval: Interval) => void;
  error?: string | undefined;
}) {
  return (
    <Field label={label} htmlFor={id} error={error}>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value as Interval)} aria-invalid={error ? true : undefined}>
        {INTERVALS.map((i) => (
          <option key={i} value={i}>
            {i}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** An API error as a banner: NO_DATA explained, anything else with its message. */
export function ErrorNotice({ error, what = "data" }: { error: unknown; what?: string }) {
  if (!error) return null;
  if (error instanceof ApiError && error.code === "NO_DATA") {
    return (
      <div className="research-notice" role="alert" data-testid="no-data">
        <strong>No candles stored for this range.</strong> {error.message}. Pick dates the history covers (the Data
        tab shows what is stored) or another symbol or interval.
      </div>
    );
  }
  const message = error instanceof Error ? error.message : JSON.stringify(error);
  return (
    <div className="research-notice research-notice-error" role="alert">
      <strong>Could not load the {what}.</strong> {message}
    </div>
  );
}
