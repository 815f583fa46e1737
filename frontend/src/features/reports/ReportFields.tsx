import { Link } from "react-router-dom";
import { useChannelStatus } from "@/api/channels";
import { useSymbols } from "@/api/symbols";
import { AddSymbol } from "@/components/AddSymbol";
import { Field, Skeleton } from "@/components/ui";
import { shortUtc } from "@/lib/dates";
import { useBacktestChoices, usePortfolioChoices, type ReportType } from "./api";
import { CHANNELS, FORMATS, INCLUDES, isMarket, MAX_SYMBOLS, REPORT_TYPES, type OptionField, type ReportDraft } from "./options";

export interface FieldsProps {
  /** Prefix of the inputs' ids: two forms share the page. */
  idPrefix: string;
  draft: ReportDraft;
  change: (patch: Partial<ReportDraft>, ...fields: OptionField[]) => void;
  error: (field: OptionField) => string | undefined;
  /** The report types offered (a schedule cannot make a BACKTEST report). */
  types?: readonly ReportType[];
}

const invalid = (id: string, message: string | undefined) =>
  message ? { "aria-invalid": true as const, "aria-describedby": `${id}-error` } : {};

function GroupError({ id, message }: { id: string; message: string | undefined }) {
  return message ? (
    <span className="field-error" role="alert" id={`${id}-error`}>
      {message}
    </span>
  ) : null;
}

/** The symbols of a market report: the registry's picker (as in Settings' watchlist) and the chosen ones as chips. */
function SymbolsField({ idPrefix, draft, change, error }: FieldsProps) {
  const symbols = useSymbols();
  const id = `${idPrefix}-symbols`;
  const message = error("symbols");
  const addId = `${idPrefix}-add-symbol`;
  const remove = (symbol: string) => {
    change({ symbols: draft.symbols.filter((s) => s !== symbol) }, "symbols");
    document.getElementById(addId)?.focus();
  };
  return (
    <fieldset className={"rp-group" + (message ? " field-invalid" : "")} id={id} aria-describedby={message ? `${id}-error` : `${id}-hint`}>
      <legend>Symbols</legend>
      {draft.symbols.length ? (
        <ul className="chips" aria-label="Chosen symbols" data-testid={`${idPrefix}-symbol-chips`}>
          {draft.symbols.map((s) => (
            <li key={s} className="chip rp-chip">
              {s}
              <button type="button" className="icon" aria-label={`Remove ${s}`} onClick={() => remove(s)}>
                ×
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted rp-none">No symbol yet: add one below.</p>
      )}
      {symbols.data ? (
        draft.symbols.length < MAX_SYMBOLS ? (
          <AddSymbol
            assets={symbols.data}
            watched={draft.symbols}
            onAdd={(symbol) => change({ symbols: [...draft.symbols, symbol] }, "symbols")}
            label="Add a symbol"
            button="Add symbol"
            id={addId}
            nested
          />
        ) : null
      ) : symbols.isError ? (
        <p className="form-error">Could not load the symbols: {symbols.error.message}</p>
      ) : (
        <Skeleton lines={1} height={32} />
      )}
      {message ? (
        <GroupError id={id} message={message} />
      ) : (
        <span className="field-hint" id={`${id}-hint`}>
          1 to {MAX_SYMBOLS} symbols; the report reads their stored candles.
        </span>
      )}
    </fieldset>
  );
}

function PortfolioField({ idPrefix, draft, change, error }: FieldsProps) {
  const portfolios = usePortfolioChoices();
  const id = `${idPrefix}-portfolio`;
  const message = error("portfolioId");
  if (portfolios.isPending) return <Skeleton lines={1} height={32} />;
  if (portfolios.isError) return <p className="form-error">Could not load your portfolios: {portfolios.error.message}</p>;
  if (!portfolios.data.length) {
    return (
      <div className="rp-empty-choice" data-testid={`${idPrefix}-no-portfolio`}>
        <strong>No portfolio yet.</strong> A portfolio report covers one of yours: <Link to="/portfolios/new">create a portfolio</Link> first.
        <GroupError id={id} message={message} />
      </div>
    );
  }
  return (
    <Field label="Portfolio" htmlFor={id} error={message}>
      <select id={id} value={draft.portfolioId} onChange={(e) => change({ portfolioId: e.target.value }, "portfolioId")} {...invalid(id, message)}>
        <option value="">Choose a portfolio…</option>
        {portfolios.data.map((p) => (
          <option key={p.portfolioId} value={String(p.portfolioId)}>
            {p.name}
          </option>
        ))}
      </select>
    </Field>
  );
}

function BacktestField({ idPrefix, draft, change, error }: FieldsProps) {
  const runs = useBacktestChoices();
  const id = `${idPrefix}-backtest`;
  const message = error("backtestId");
  if (runs.isPending) return <Skeleton lines={1} height={32} />;
  if (runs.isError) return <p className="form-error">Could not load your backtests: {runs.error.message}</p>;
  if (!runs.data.length) {
    return (
      <div className="rp-empty-choice" data-testid={`${idPrefix}-no-backtest`}>
        <strong>No backtest run yet.</strong> A backtest report covers one stored run: <Link to="/research/backtest">run a backtest</Link> first.
        <GroupError id={id} message={message} />
      </div>
    );
  }
  return (
    <Field label="Backtest run" htmlFor={id} error={message}>
      <select id={id} value={draft.backtestId} onChange={(e) => change({ backtestId: e.target.value }, "backtestId")} {...invalid(id, message)}>
        <option value="">Choose a run…</option>
        {runs.data.map((r) => (
          <option key={r.backtestId} value={r.backtestId}>
            {r.strategyName} · {r.symbol} {r.interval} · {shortUtc(r.createdAt)} UTC
          </option>
        ))}
      </select>
    </Field>
  );
}

/** Where the report goes when it is ready: every channel, those the user has not set up disabled with why. */
function ChannelsField({ idPrefix, draft, change, error }: FieldsProps) {
  const status = useChannelStatus();
  const id = `${idPrefix}-channels`;
  const message = error("deliveryChannels");
  const readiness = new Map(status.data?.channels.map((c) => [c.channel, c] as const));
  const unready = CHANNELS.filter((c) => readiness.get(c.value)?.ready === false);
  return (
    <fieldset className={"rp-group" + (message ? " field-invalid" : "")} aria-describedby={message ? `${id}-error` : `${id}-hint`}>
      <legend>Deliver to</legend>
      <div className="rp-checks">
        {CHANNELS.map((c) => {
          const state = readiness.get(c.value);
          const off = state?.ready === false;
          return (
            <label key={c.value} className="rp-check" title={state?.missing ?? undefined}>
              <input
                type="checkbox"
                name={`${idPrefix}-channel`}
                value={c.value}
                checked={draft.deliveryChannels.includes(c.value) && !off}
                disabled={off}
                onChange={(e) =>
                  change(
                    {
                      deliveryChannels: e.target.checked
                        ? CHANNELS.map((x) => x.value).filter((v) => v === c.value || draft.deliveryChannels.includes(v))
                        : draft.deliveryChannels.filter((v) => v !== c.value),
                    },
                    "deliveryChannels",
                  )
                }
              />
              {c.label}
              {off ? <span className="rp-unset">not set up</span> : null}
            </label>
          );
        })}
      </div>
      {message ? (
        <GroupError id={id} message={message} />
      ) : (
        <span className="field-hint" id={`${id}-hint`}>
          {unready.length ? (
            <>
              {unready.map((c) => c.label).join(", ")} {unready.length === 1 ? "needs" : "need"} an address first:{" "}
              <Link to="/settings">set up channels in Settings</Link>.{" "}
            </>
          ) : null}
          The report is always listed here; each channel chosen is also sent it (or its link) when it is ready.
        </span>
      )}
    </fieldset>
  );
}

/** A report's options: type and format, then the symbols and what to include (market reports) or the portfolio or
 * run it covers, and where to deliver it. Each API field error beside its field. */
export function ReportFields(props: FieldsProps) {
  const { idPrefix, draft, change, error, types } = props;
  const offered = REPORT_TYPES.filter((t) => !types || types.includes(t.value));
  const typeId = `${idPrefix}-type`;
  const formatId = `${idPrefix}-format`;
  const market = isMarket(draft.reportType);
  return (
    <>
      <div className="row">
        <Field label="Report type" htmlFor={typeId} error={error("reportType")} hint={`Covers ${REPORT_TYPES.find((t) => t.value === draft.reportType)?.covers ?? "–"}`}>
          <select
            id={typeId}
            value={draft.reportType}
            onChange={(e) => change({ reportType: e.target.value as ReportType }, "reportType", "symbols", "portfolioId", "backtestId")}
            {...invalid(typeId, error("reportType"))}
          >
            {offered.map((t) => (
              <option key={t.value} value={t.value}>
                {t.label}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Format" htmlFor={formatId} error={error("format")}>
          <select id={formatId} value={draft.format} onChange={(e) => change({ format: e.target.value as ReportDraft["format"] }, "format")} {...invalid(formatId, error("format"))}>
            {FORMATS.map((f) => (
              <option key={f.value} value={f.value}>
                {f.label}
              </option>
            ))}
          </select>
        </Field>
        {draft.reportType === "PORTFOLIO" ? <PortfolioField {...props} /> : null}
        {draft.reportType === "BACKTEST" ? <BacktestField {...props} /> : null}
      </div>
      {market ? (
        <div className="rp-market">
          <SymbolsField {...props} />
          <fieldset className="rp-group">
            <legend>Include</legend>
            <div className="rp-checks">
              {INCLUDES.map((i) => (
                <label key={i.key} className="rp-check">
                  <input type="checkbox" checked={draft[i.key]} onChange={(e) => change({ [i.key]: e.target.checked }, i.key)} />
                  {i.label}
                </label>
              ))}
            </div>
            {INCLUDES.map((i) => error(i.key)).find(Boolean) ? <GroupError id={`${idPrefix}-include`} message={INCLUDES.map((i) => error(i.key)).find(Boolean)} /> : null}
          </fieldset>
        </div>
      ) : null}
      <ChannelsField {...props} />
    </>
  );
}
