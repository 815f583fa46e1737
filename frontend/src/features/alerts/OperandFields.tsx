import { Link } from "react-router-dom";
import { useCustomIndicators, useIndicatorCatalog } from "@/api/indicators";
import { Field } from "@/components/ui";
import type { Operand, RuleForm } from "./rule";
import type { CatalogIndicator } from "./types";

const OPERANDS: { value: Operand; label: string }[] = [
  { value: "PRICE", label: "Price" },
  { value: "INDICATOR", label: "Built-in indicator" },
  { value: "CUSTOM", label: "My custom indicator" },
  { value: "FORMULA", label: "Inline formula" },
];

interface Props {
  form: RuleForm;
  indicator: CatalogIndicator | undefined;
  volumeOnly: boolean;
  confirming: boolean; // a price condition: the indicator (if any) confirms the price level
  error: (field: string) => string | undefined;
  describedBy: (field: string, id: string) => { "aria-invalid"?: true; "aria-describedby"?: string };
  change: (patch: Partial<RuleForm>, ...fields: string[]) => void;
}

function groupBy(indicators: CatalogIndicator[]): [string, CatalogIndicator[]][] {
  const groups = new Map<string, CatalogIndicator[]>();
  for (const indicator of indicators) {
    const key = indicator.group ?? "Other";
    groups.set(key, [...(groups.get(key) ?? []), indicator]);
  }
  return [...groups.entries()];
}

/** What the rule compares: the price, a built-in indicator (with its parameters and output), one of the
 * user's custom indicators, or an inline formula. */
export function OperandFields({ form, indicator, volumeOnly, confirming, error, describedBy, change }: Props) {
  const catalog = useIndicatorCatalog();
  const custom = useCustomIndicators();
  const paramsError = error("metadata.params");

  return (
    <>
      <Field
        label="Operand"
        htmlFor="alert-operand"
        error={error("operand")}
        hint={
          volumeOnly
            ? "A volume spike is judged on the volume"
            : confirming
              ? "Price, or an indicator that must confirm the price level"
              : undefined
        }
      >
        <select
          id="alert-operand"
          value={form.operand}
          disabled={volumeOnly}
          {...describedBy("operand", "alert-operand")}
          onChange={(e) => change({ operand: e.target.value as Operand }, "operand", "metadata.indicator", "metadata.formula")}
        >
          {OPERANDS.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      </Field>

      {form.operand === "INDICATOR" ? (
        <>
          <Field
            label="Indicator"
            htmlFor="alert-indicator"
            error={error("metadata.indicator") ?? (catalog.isError ? catalog.error.message : undefined)}
            hint={indicator?.title}
          >
            <select
              id="alert-indicator"
              value={form.indicator}
              disabled={catalog.isPending}
              {...describedBy("metadata.indicator", "alert-indicator")}
              onChange={(e) => change({ indicator: e.target.value, params: {}, output: "" }, "metadata.indicator", "metadata.params", "metadata.output")}
            >
              <option value="">{catalog.isPending ? "Loading…" : "Choose…"}</option>
              {groupBy(catalog.data?.indicators ?? []).map(([group, items]) => (
                <optgroup key={group} label={group}>
                  {items.map((i) => (
                    <option key={i.name} value={i.name}>
                      {i.name}
                      {i.title && i.title !== i.name ? ` — ${i.title}` : ""}
                    </option>
                  ))}
                </optgroup>
              ))}
            </select>
          </Field>
          {indicator && indicator.params.length > 0 ? (
            <fieldset className="alert-params" aria-describedby={paramsError ? "alert-params-error" : undefined}>
              <legend>Parameters</legend>
              <div className="row">
                {indicator.params.map((p) => {
                  const key = `metadata.params.${p.name}`;
                  const bounds = p.min !== undefined && p.max !== undefined ? `${p.min} – ${p.max}` : undefined;
                  return (
                    <Field key={p.name} label={p.name} htmlFor={`alert-param-${p.name}`} error={error(key)} hint={bounds ? `Default ${p.default}, ${bounds}` : `Default ${p.default}`}>
                      <input
                        id={`alert-param-${p.name}`}
                        inputMode="decimal"
                        placeholder={String(p.default)}
                        value={form.params[p.name] ?? ""}
                        {...describedBy(key, `alert-param-${p.name}`)}
                        onChange={(e) => change({ params: { ...form.params, [p.name]: e.target.value } }, key, "metadata.params")}
                      />
                    </Field>
                  );
                })}
              </div>
              {paramsError ? (
                <span className="field-error" role="alert" id="alert-params-error">
                  {paramsError}
                </span>
              ) : null}
            </fieldset>
          ) : null}
          {indicator && indicator.outputs.length > 1 ? (
            <Field label="Output" htmlFor="alert-output" error={error("metadata.output")}>
              <select id="alert-output" value={form.output || indicator.outputs[0]} onChange={(e) => change({ output: e.target.value }, "metadata.output")}>
                {indicator.outputs.map((o) => (
                  <option key={o} value={o}>
                    {o}
                  </option>
                ))}
              </select>
            </Field>
          ) : null}
        </>
      ) : null}

      {form.operand === "CUSTOM" ? (
        <div className="stack alert-custom">
          <Field
            label="Custom indicator"
            htmlFor="alert-custom"
            error={error("metadata.indicator") ?? (custom.isError ? custom.error.message : undefined)}
            hint={custom.data?.find((c) => c.key === form.custom)?.formula}
          >
            <select
              id="alert-custom"
              value={form.custom}
              disabled={custom.isPending || custom.data?.length === 0}
              {...describedBy("metadata.indicator", "alert-custom")}
              onChange={(e) => change({ custom: e.target.value }, "metadata.indicator")}
            >
              <option value="">{custom.isPending ? "Loading…" : custom.data?.length === 0 ? "None yet" : "Choose…"}</option>
              {(custom.data ?? []).map((c) => (
                <option key={c.indicatorId} value={c.key}>
                  {c.name}
                </option>
              ))}
            </select>
          </Field>
          {custom.data?.length === 0 ? (
            <p className="muted alert-inline-empty">
              You have no custom indicators yet. Write one in <Link to="/research">Research</Link>, or use an inline formula.
            </p>
          ) : null}
        </div>
      ) : null}

      {form.operand === "FORMULA" ? (
        <Field
          label="Formula"
          htmlFor="alert-formula"
          error={error("metadata.formula")}
          hint={`e.g. RSI(14) - RSI(28), MACD(12, 26, 9).signal, SMA(CLOSE, 20)${catalog.data ? ` · functions: ${catalog.data.functions.join(", ")}` : ""}`}
        >
          <textarea
            id="alert-formula"
            rows={2}
            spellCheck={false}
            value={form.formula}
            {...describedBy("metadata.formula", "alert-formula")}
            onChange={(e) => change({ formula: e.target.value }, "metadata.formula")}
          />
        </Field>
      ) : null}
    </>
  );
}
