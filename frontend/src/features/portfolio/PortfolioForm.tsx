import { useMemo, useRef, useState, type FormEvent } from "react";
import { useNavigate } from "react-router-dom";
import { ApiError } from "@/api/errors";
import { useSymbols, type Asset } from "@/api/symbols";
import { AddSymbol } from "@/components/AddSymbol";
import { Card, Field } from "@/components/ui";
import { useFormErrors } from "@/lib/useFormErrors";
import { useUi } from "@/stores/ui";
import { percent } from "./format";
import { useCreatePortfolio, useUpdatePortfolio, useUserId } from "./hooks";
import { bandWeight, checkTargets, percentText, toAllocations, unitsText, WHOLE, type TargetRow } from "./targets";
import { defaultBand, isCash, RISK_PROFILES, type Portfolio, type PortfolioPatch, type RiskProfile } from "./types";

const FIELDS = ["name", "riskProfile", "band", "targetAllocations"] as const;
type FormField = (typeof FIELDS)[number];

interface FormState {
  name: string;
  riskProfile: RiskProfile;
  band: string;
  targets: TargetRow[];
}

/** USD is cash, not a listed asset: offered next to the registry's symbols (USDT and USDC are listed). */
const USD: Asset = {
  symbol: "USD",
  name: "US dollar (cash)",
  coingeckoId: null,
  coinmarketcapId: null,
  binancePair: null,
  coinbaseProduct: null,
  stablecoin: true,
};

let nextKey = 1;

export function formFromPortfolio(portfolio?: Portfolio): FormState {
  if (!portfolio) return { name: "", riskProfile: "MEDIUM", band: "", targets: [] };
  return {
    name: portfolio.name,
    riskProfile: portfolio.riskProfile,
    band: portfolio.bandIsDefault ? "" : percentText(portfolio.band),
    targets: Object.entries(portfolio.targetAllocations)
      .sort(([, a], [, b]) => b - a)
      .map(([symbol, weight]) => ({ key: nextKey++, symbol, percent: percentText(weight) })),
  };
}

/** Create a portfolio, or edit one (`portfolio`): its name, risk profile, band and target weights in percent that
 * sum to 100 (shown as they are typed); the API's field errors next to their field. */
export function PortfolioForm({ portfolio }: { portfolio?: Portfolio }) {
  const navigate = useNavigate();
  const userId = useUserId();
  const symbols = useSymbols({ staleTime: 10 * 60_000 });
  const create = useCreatePortfolio();
  const update = useUpdatePortfolio(portfolio?.portfolioId ?? 0);
  const save = portfolio ? update : create;
  const [form, setForm] = useState<FormState>(() => formFromPortfolio(portfolio));
  const percentInputs = useRef(new Map<number, HTMLInputElement | null>());

  const targetCheck = checkTargets(form.targets);
  const band = bandWeight(form.band);
  const live = {
    name: form.name.trim() ? undefined : "Give the portfolio a name",
    band: band === null ? "A percent above 0 and below 100" : undefined,
    targetAllocations: targetCheck.problem,
  };
  const errors = useFormErrors<FormField>(FIELDS, save.error, {}, { live, touchedOnly: true });
  const invalid = Object.values(live).some(Boolean);
  const formError = errors.general ?? (save.error && !(save.error instanceof ApiError) ? save.error.message : undefined);
  const profileBand = defaultBand(form.riskProfile);
  const assets = useMemo(() => [...(symbols.data ?? []), USD], [symbols.data]);

  function change(patch: Partial<FormState>, ...fields: FormField[]) {
    setForm((f) => ({ ...f, ...patch }));
    errors.edited(...fields);
  }

  function setTarget(key: number, patch: Partial<TargetRow>) {
    change({ targets: form.targets.map((t) => (t.key === key ? { ...t, ...patch } : t)) }, "targetAllocations");
  }

  function addTarget(symbol: string) {
    const key = nextKey++;
    const left = WHOLE - targetCheck.sum;
    const suggestion = form.targets.length === 0 ? "100" : left > 0 ? String(Number((left / 1_000_000).toFixed(6))) : "";
    change({ targets: [...form.targets, { key, symbol, percent: suggestion }] }, "targetAllocations");
    requestAnimationFrame(() => percentInputs.current.get(key)?.focus()); // the new row's percent, to adjust
  }

  function removeTarget(index: number) {
    const rows = form.targets;
    const next = rows[index + 1] ?? rows[index - 1];
    change({ targets: rows.filter((_, i) => i !== index) }, "targetAllocations");
    requestAnimationFrame(() => (next ? percentInputs.current.get(next.key)?.focus() : document.getElementById("target-add")?.focus()));
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    errors.submitted();
    if (invalid || !userId) return;
    const targetAllocations = toAllocations(form.targets);
    if (portfolio) {
      const patch: PortfolioPatch = { name: form.name.trim(), riskProfile: form.riskProfile, targetAllocations, band: band ?? null };
      update.mutate(patch, { onSuccess: (saved) => useUi.getState().toast({ kind: "success", title: `${saved.name} saved` }) });
      return;
    }
    create.mutate(
      { userId, name: form.name.trim(), riskProfile: form.riskProfile, targetAllocations, ...(band ? { band } : {}) },
      {
        onSuccess: (created) => {
          useUi.getState().toast({ kind: "success", title: `Portfolio “${created.name}” created`, body: "Record its first transaction next." });
          void navigate(`/portfolios/${created.portfolioId}`, { state: { createdPortfolio: created.portfolioId } });
        },
      },
    );
  }

  const pending = (Object.entries(live) as [FormField, string | undefined][]).filter(([, message]) => message);
  const invalidProps = (field: FormField, id: string) =>
    errors.of(field) ? { "aria-invalid": true as const, "aria-describedby": `${id}-error` } : {};
  const sumOk = form.targets.length === 0 || targetCheck.sum === WHOLE;

  return (
    <form className="stack" onSubmit={submit} noValidate aria-label={portfolio ? `Edit ${portfolio.name}` : "New portfolio"}>
      <Card title="Name and risk">
        <div className="pf-form-grid">
          <Field label="Name" htmlFor="pf-name" error={errors.of("name")}>
            <input
              id="pf-name"
              value={form.name}
              maxLength={100}
              autoComplete="off"
              {...invalidProps("name", "pf-name")}
              onChange={(e) => change({ name: e.target.value }, "name")}
            />
          </Field>
        </div>
        <fieldset className="pf-profiles" aria-describedby={errors.of("riskProfile") ? "pf-profile-error" : undefined}>
          <legend className="muted">Risk profile</legend>
          {RISK_PROFILES.map((r) => (
            <label key={r.value} className="pf-profile">
              <input
                type="radio"
                name="pf-risk-profile"
                value={r.value}
                checked={form.riskProfile === r.value}
                onChange={() => change({ riskProfile: r.value }, "riskProfile")}
              />
              <span>
                <strong>{r.label}</strong> <span className="muted">default band ±{percent(r.band)}</span>
              </span>
            </label>
          ))}
          {errors.of("riskProfile") ? (
            <span className="field-error" role="alert" id="pf-profile-error">
              {errors.of("riskProfile")}
            </span>
          ) : null}
        </fieldset>
        <div className="pf-form-grid pf-band">
          <Field
            label="Band (± percentage points, optional)"
            htmlFor="pf-band"
            error={errors.of("band")}
            hint={`Blank: the ${RISK_PROFILES.find((r) => r.value === form.riskProfile)?.label} profile's ±${percent(profileBand)}`}
          >
            <input
              id="pf-band"
              inputMode="decimal"
              placeholder={String(profileBand * 100)}
              value={form.band}
              {...invalidProps("band", "pf-band")}
              onChange={(e) => change({ band: e.target.value }, "band")}
            />
          </Field>
        </div>
      </Card>

      <Card title="Target allocation">
        <fieldset className="pf-targets" aria-describedby="pf-targets-sum" aria-invalid={errors.of("targetAllocations") ? true : undefined}>
          <legend className="sr-only">Targets, in percent of the portfolio's value</legend>
          {form.targets.length ? (
            <table className="pf-target-table">
              <thead>
                <tr>
                  <th scope="col">Symbol</th>
                  <th scope="col" className="num">
                    Target (%)
                  </th>
                  <th scope="col">
                    <span className="sr-only">Remove</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {form.targets.map((row, index) => {
                  const problem = targetCheck.rows[row.key];
                  const inputId = `target-${row.symbol}`;
                  return (
                    <tr key={row.key} data-testid={`target-row-${row.symbol}`}>
                      <th scope="row">
                        {row.symbol}
                        {isCash(row.symbol) ? <span className="muted"> · cash</span> : null}
                      </th>
                      <td className="num">
                        <label htmlFor={inputId} className="sr-only">
                          Target for {row.symbol} (%)
                        </label>
                        <input
                          id={inputId}
                          ref={(el) => void percentInputs.current.set(row.key, el)}
                          className="pf-percent"
                          inputMode="decimal"
                          value={row.percent}
                          aria-invalid={problem ? true : undefined}
                          aria-describedby={problem ? `${inputId}-error` : undefined}
                          onChange={(e) => setTarget(row.key, { percent: e.target.value })}
                        />
                        {problem ? (
                          <span className="field-error pf-row-error" id={`${inputId}-error`}>
                            {problem}
                          </span>
                        ) : null}
                      </td>
                      <td>
                        <button type="button" className="pf-remove" aria-label={`Remove ${row.symbol} from the targets`} onClick={() => removeTarget(index)}>
                          Remove
                        </button>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          ) : (
            <p className="muted pf-inline-empty">No targets: the portfolio is tracked without drift checks. Add symbols to set the weights to keep.</p>
          )}
          <p id="pf-targets-sum" className={sumOk ? "pf-sum" : "pf-sum pf-sum-off"} role="status" data-testid="targets-sum">
            {form.targets.length ? (
              <>
                Sum: <strong>{unitsText(targetCheck.sum)}</strong> of 100%
                {targetCheck.sum === WHOLE ? " ✓" : targetCheck.sum < WHOLE ? ` · ${unitsText(WHOLE - targetCheck.sum)} left` : ` · ${unitsText(targetCheck.sum - WHOLE)} too much`}
              </>
            ) : (
              "Targets must sum to 100% (or be left empty)."
            )}
          </p>
          {errors.of("targetAllocations") && errors.of("targetAllocations") !== live.targetAllocations ? (
            <span className="field-error" role="alert" id="pf-targets-error" data-testid="targets-error">
              {errors.of("targetAllocations")}
            </span>
          ) : null}
          <AddSymbol
            assets={assets}
            watched={form.targets.map((t) => t.symbol)}
            onAdd={addTarget}
            label="Add a target"
            id="target-add"
            button="Add target"
            nested
          />
          <p className="field-hint">Cash (USD, USDT, USDC) can be a target: it is never traded by a rebalance, it pays for the buys.</p>
        </fieldset>
      </Card>

      {formError ? (
        <p className="form-error" role="alert">
          {formError}
        </p>
      ) : null}
      <div className="row pf-submit">
        <button type="submit" className="primary" disabled={invalid || save.isPending} aria-describedby={pending.length ? "pf-form-pending" : undefined}>
          {portfolio ? (update.isPending ? "Saving…" : "Save changes") : create.isPending ? "Creating…" : "Create portfolio"}
        </button>
        {portfolio ? null : (
          <button type="button" onClick={() => void navigate("/portfolios")}>
            Cancel
          </button>
        )}
        {pending.length ? (
          <span className="muted" id="pf-form-pending" data-testid="form-pending">
            Not yet: {pending.map(([, message]) => message).join("; ")}
          </span>
        ) : null}
      </div>
    </form>
  );
}
