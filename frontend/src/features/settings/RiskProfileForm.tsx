import { useState, type FormEvent } from "react";
import { RISK_PROFILES, type RiskProfile } from "./preferences";
import { SaveRow } from "./SaveRow";
import { useSavePreferences } from "./useSavePreferences";

const API_FIELDS = { riskProfile: ["preferences.riskProfile"] } as const;
const label = (value: RiskProfile | null) => RISK_PROFILES.find((r) => r.value === value)?.label ?? "Not set";

/** preferences.riskProfile: how much risk the user takes, LOW / MEDIUM / HIGH, or not set. */
export function RiskProfileForm({ saved }: { saved: RiskProfile | null }) {
  const [choice, setChoice] = useState<RiskProfile | null>(saved);
  const { save, errors, pending } = useSavePreferences(API_FIELDS, { saved: "Risk profile saved", failed: "Could not save your risk profile" });
  const error = errors.of("riskProfile");
  const options = [...RISK_PROFILES, { value: null, label: "Not set", meaning: "Say nothing about the risk you take." }];

  function submit(event: FormEvent) {
    event.preventDefault();
    if (choice !== saved) save({ riskProfile: choice });
  }

  return (
    <form className="stack" onSubmit={submit} noValidate aria-label="Risk profile">
      <fieldset className="risk-options" aria-describedby={error ? "risk-error" : undefined}>
        <legend className="muted">How much risk you take</legend>
        {options.map((r) => {
          const id = `risk-${r.value ?? "none"}`;
          return (
            <label key={id} className="risk-option">
              <input
                type="radio"
                name="risk-profile"
                value={r.value ?? ""}
                checked={choice === r.value}
                aria-describedby={`${id}-meaning`}
                onChange={() => {
                  setChoice(r.value);
                  errors.edited("riskProfile");
                }}
              />
              <span>
                <strong>{r.label}</strong>
                <span className="muted risk-meaning" id={`${id}-meaning`}>
                  {r.meaning}
                </span>
              </span>
            </label>
          );
        })}
      </fieldset>
      {error ? (
        <span className="field-error" role="alert" id="risk-error">
          {error}
        </span>
      ) : null}
      <SaveRow label="Save risk profile" pending={pending} dirty={choice !== saved} saved={`Saved: ${label(saved)}`} />
    </form>
  );
}
