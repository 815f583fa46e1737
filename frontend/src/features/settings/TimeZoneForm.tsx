import { useMemo, useState, type FormEvent } from "react";
import { Field } from "@/components/ui";
import { browserZone, timeZones } from "@/lib/timeZones";
import { SaveRow } from "./SaveRow";
import { useSavePreferences } from "./useSavePreferences";

const API_FIELDS = { timezone: ["preferences.timezone"] } as const;

/**
 * preferences.timezone: the IANA zone scheduled reports run their hour in (UTC unless set). Any of the zones this
 * browser knows can be picked or typed; the API judges the name (an unknown one comes back as a 422 by the field).
 */
export function TimeZoneForm({ saved }: { saved: string }) {
  const here = browserZone();
  const zones = useMemo(() => timeZones(saved, here), [saved, here]);
  const [zone, setZone] = useState(saved);
  const { save, errors, pending } = useSavePreferences(API_FIELDS, { saved: "Time zone saved", failed: "Could not save your time zone" });
  const error = errors.of("timezone");
  // A listed zone typed in another case ("europe/berlin") is sent as the list spells it.
  const typed = zone.trim();
  const chosen = zones.find((z) => z.toLowerCase() === typed.toLowerCase()) ?? typed;
  const dirty = chosen !== saved;

  function edit(value: string) {
    setZone(value);
    errors.set("timezone", undefined); // the empty-field check's message, if any
    errors.edited("timezone");
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!errors.check({ timezone: chosen ? undefined : "Pick a time zone, e.g. Europe/Berlin" }) || !dirty) return;
    setZone(chosen);
    save({ timezone: chosen });
  }

  function takeBrowserZone() {
    if (!here) return;
    edit(here);
    if (here !== saved) save({ timezone: here });
  }

  return (
    <form className="stack" onSubmit={submit} noValidate aria-label="Time zone">
      <Field label="Time zone" htmlFor="timezone" error={error}>
        <input
          id="timezone"
          className="timezone-input"
          list="timezone-options"
          value={zone}
          autoComplete="off"
          spellCheck={false}
          aria-invalid={Boolean(error)}
          aria-describedby={error ? "timezone-hint timezone-error" : "timezone-hint"}
          onChange={(e) => edit(e.target.value)}
        />
        <datalist id="timezone-options">
          {zones.map((z) => (
            <option key={z} value={z} />
          ))}
        </datalist>
        <span className="field-hint" id="timezone-hint">
          Scheduled reports run at their hour in this time zone. Type a city to search.
        </span>
      </Field>
      {here && here !== chosen ? (
        <button type="button" className="link-button timezone-here" onClick={takeBrowserZone} disabled={pending}>
          Use this browser's zone ({here})
        </button>
      ) : null}
      <SaveRow label="Save time zone" pending={pending} dirty={dirty} saved={`Saved: ${saved}`} />
    </form>
  );
}
