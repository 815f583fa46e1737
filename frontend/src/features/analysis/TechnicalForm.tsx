import { useState, type FormEvent } from "react";
import type { CatalogIndicator } from "@/api/indicators";
import type { Asset } from "@/api/symbols";
import { Field } from "@/components/ui";
import { INTERVALS } from "@/lib/intervals";
import { useFormErrors } from "@/lib/useFormErrors";
import { IndicatorChecklist } from "./IndicatorChecklist";
import type { TechnicalRequest } from "./types";

export const MAX_INDICATORS = 12;
export const MAX_PATTERN_BARS = 100;
const PERIOD = /^\d{1,4}[hdwy]$/i;

const FIELDS = ["symbol", "indicators", "timeframes", "period", "patternBars"] as const;
type Errors = Partial<Record<(typeof FIELDS)[number], string>>;

/** The form's state: the request, with the pattern bars as typed. */
type Draft = Omit<TechnicalRequest, "patternBars"> & { patternBars: string };

/** "Patterns in the last N bars" as typed: a whole number from 0 (none) to 100, or why not. */
export function parsePatternBars(text: string): number | string {
  const trimmed = text.trim();
  if (trimmed === "") return 0;
  if (!/^\d+$/.test(trimmed)) return "A whole number of bars, 0 for none";
  const value = Number(trimmed);
  return value > MAX_PATTERN_BARS ? `At most ${MAX_PATTERN_BARS} bars` : value;
}

/** What the form would send, or what is wrong with it (checked again by the API). */
export function validate(request: Draft): Errors {
  const errors: Errors = {};
  if (!request.symbol) errors.symbol = "Choose a symbol";
  if (!request.indicators.length) errors.indicators = "Choose at least one indicator";
  else if (request.indicators.length > MAX_INDICATORS) errors.indicators = `At most ${MAX_INDICATORS} indicators`;
  if (!request.timeframes.length) errors.timeframes = "Choose at least one timeframe";
  if (!PERIOD.test(request.period.trim())) errors.period = "A period looks like 90d, 12h, 4w or 1y";
  const bars = parsePatternBars(request.patternBars);
  if (typeof bars === "string") errors.patternBars = bars;
  return errors;
}

/** Symbol, indicators, timeframes and period for a technical analysis; shows the API's field errors. */
export function TechnicalForm({
  assets,
  catalog,
  busy,
  error,
  onSubmit,
}: {
  assets: Asset[];
  catalog: CatalogIndicator[];
  busy: boolean;
  error: unknown;
  onSubmit: (request: TechnicalRequest) => void;
}) {
  const [request, setRequest] = useState<Draft>({
    symbol: assets[0]?.symbol ?? "BTC-USD",
    indicators: ["RSI", "MACD", "BBANDS"],
    timeframes: ["1h", "4h", "1d"],
    period: "90d",
    patternBars: "0",
  });
  // `error` is cleared by the mutation when the form is sent again; the API calls the timeframes `interval`.
  const errors = useFormErrors(FIELDS, error, { timeframes: ["timeframes", "interval"] });
  const change = (patch: Partial<Draft>) => setRequest((r) => ({ ...r, ...patch }));
  const message = errors.of;
  const general = errors.general;

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!errors.check(validate(request))) return;
    const patternBars = parsePatternBars(request.patternBars);
    onSubmit({ ...request, period: request.period.trim().toLowerCase(), patternBars: typeof patternBars === "number" ? patternBars : 0 });
  }

  return (
    <form className="stack technical-form" onSubmit={submit} noValidate aria-label="Technical analysis">
      <div className="row">
        <Field label="Symbol" htmlFor="ta-symbol" error={message("symbol")}>
          <select
            id="ta-symbol"
            value={request.symbol}
            onChange={(e) => change({ symbol: e.target.value })}
            aria-invalid={Boolean(message("symbol"))}
          >
            {assets.map((a) => (
              <option key={a.symbol} value={a.symbol}>
                {a.symbol} — {a.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Period" htmlFor="ta-period" error={message("period")} hint="90d, 12h, 4w or 1y">
          <input
            id="ta-period"
            value={request.period}
            onChange={(e) => change({ period: e.target.value })}
            aria-invalid={Boolean(message("period"))}
            aria-describedby={message("period") ? "ta-period-error" : undefined}
            size={8}
          />
        </Field>
        <Field label="Patterns in the last N bars" htmlFor="ta-pattern-bars" error={message("patternBars")} hint="0 for none, up to 100">
          <input
            id="ta-pattern-bars"
            inputMode="numeric"
            value={request.patternBars}
            onChange={(e) => change({ patternBars: e.target.value })}
            aria-invalid={Boolean(message("patternBars"))}
            aria-describedby={message("patternBars") ? "ta-pattern-bars-error" : undefined}
            size={6}
          />
        </Field>
        <fieldset className={"field timeframes" + (message("timeframes") ? " field-invalid" : "")}>
          <legend>Timeframes</legend>
          <div className="row">
            {INTERVALS.map((tf) => (
              <label key={tf} className="check">
                <input
                  type="checkbox"
                  checked={request.timeframes.includes(tf)}
                  onChange={(e) =>
                    change({
                      timeframes: e.target.checked
                        ? INTERVALS.filter((t) => t === tf || request.timeframes.includes(t))
                        : request.timeframes.filter((t) => t !== tf),
                    })
                  }
                />
                {tf}
              </label>
            ))}
          </div>
          {message("timeframes") ? (
            <span className="field-error" role="alert">
              {message("timeframes")}
            </span>
          ) : null}
        </fieldset>
      </div>
      <IndicatorChecklist
        catalog={catalog}
        value={request.indicators}
        onChange={(indicators) => change({ indicators })}
        max={MAX_INDICATORS}
        error={message("indicators")}
      />
      {general ? (
        <p className="form-error" role="alert">
          {general}
        </p>
      ) : null}
      <div>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? "Analysing…" : "Analyse"}
        </button>
      </div>
    </form>
  );
}
