import { useState, type FormEvent } from "react";
import { Field } from "@/components/ui";
import { useFormErrors } from "@/lib/useFormErrors";
import { SymbolField } from "../common";
import { SOURCES, TIMEFRAMES, type AnalysisRequest, type Source } from "./api";

const FIELDS = ["symbol", "timeframe", "sources", "includeOnChain", "includeSentiment"] as const;
type FormField = (typeof FIELDS)[number];

export interface Draft {
  symbol: string;
  timeframe: string;
  sources: Source[];
  includeOnChain: boolean;
  includeSentiment: boolean;
}

export function validate(draft: Draft): Partial<Record<FormField, string>> {
  return {
    symbol: draft.symbol ? undefined : "Choose a symbol",
    sources: draft.sources.length ? undefined : "Choose at least one source",
  };
}

/** Symbol, timeframe, what to include and which providers to ask; the API's field errors beside their fields. */
export function AssetForm({
  initial,
  busy,
  error,
  onSubmit,
}: {
  initial: Draft;
  busy: boolean;
  error: unknown;
  onSubmit: (request: AnalysisRequest) => void;
}) {
  const [draft, setDraft] = useState<Draft>(initial);
  const errors = useFormErrors(FIELDS, error);
  const change = (patch: Partial<Draft>, ...fields: FormField[]) => {
    setDraft((d) => ({ ...d, ...patch }));
    errors.edited(...fields);
  };

  function submit(event: FormEvent) {
    event.preventDefault();
    errors.submitted();
    if (!errors.check(validate(draft))) return;
    onSubmit({ ...draft });
  }

  const sourcesError = errors.of("sources");
  return (
    <form className="stack asset-form" onSubmit={submit} noValidate aria-label="Asset research">
      <div className="row">
        <SymbolField id="asset-symbol" value={draft.symbol} onChange={(symbol) => change({ symbol }, "symbol")} error={errors.of("symbol")} />
        <Field label="Timeframe" htmlFor="asset-timeframe" error={errors.of("timeframe")}>
          <select
            id="asset-timeframe"
            value={draft.timeframe}
            onChange={(e) => change({ timeframe: e.target.value }, "timeframe")}
            aria-invalid={errors.of("timeframe") ? true : undefined}
          >
            {[...new Set([...TIMEFRAMES, draft.timeframe])].map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </Field>
        <fieldset className="field asset-include">
          <legend>Include</legend>
          <div className="row">
            <label className="check">
              <input type="checkbox" checked={draft.includeOnChain} onChange={(e) => change({ includeOnChain: e.target.checked }, "includeOnChain")} />
              On-chain
            </label>
            <label className="check">
              <input type="checkbox" checked={draft.includeSentiment} onChange={(e) => change({ includeSentiment: e.target.checked }, "includeSentiment")} />
              Sentiment
            </label>
          </div>
        </fieldset>
      </div>
      <fieldset
        className={"field asset-sources" + (sourcesError ? " field-invalid" : "")}
        aria-describedby={sourcesError ? "asset-sources-error" : undefined}
        aria-invalid={sourcesError ? true : undefined}
      >
        <legend>Sources</legend>
        <div className="row">
          {SOURCES.map((s) => (
            <label key={s.value} className="check">
              <input
                type="checkbox"
                checked={draft.sources.includes(s.value)}
                onChange={(e) =>
                  change(
                    {
                      sources: e.target.checked
                        ? SOURCES.map((x) => x.value).filter((v) => v === s.value || draft.sources.includes(v))
                        : draft.sources.filter((v) => v !== s.value),
                    },
                    "sources",
                  )
                }
              />
              {s.label} <span className="muted">({s.covers})</span>
            </label>
          ))}
        </div>
        {sourcesError ? (
          <span className="field-error" role="alert" id="asset-sources-error">
            {sourcesError}
          </span>
        ) : null}
      </fieldset>
      {errors.general ? (
        <p className="form-error" role="alert" data-testid="asset-form-error">
          {errors.general}
        </p>
      ) : null}
      <div>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? "Running…" : "Run analysis"}
        </button>
      </div>
    </form>
  );
}
