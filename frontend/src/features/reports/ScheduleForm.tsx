import { useState, type FormEvent } from "react";
import { ApiError } from "@/api/errors";
import { useMe } from "@/api/me";
import { Field } from "@/components/ui";
import { useFormErrors } from "@/lib/useFormErrors";
import { useCreateSchedule, type Cadence, type Schedule } from "./api";
import { browserZone, CADENCES, describeCadence, hourText, timeZones, WEEKDAYS } from "./cadence";
import { DEFAULT_DRAFT, OPTION_FIELDS, REPORT_TYPES, toOptions, validateOptions, type ReportDraft } from "./options";
import { ReportFields } from "./ReportFields";

const FIELDS = [...OPTION_FIELDS, "name", "cadence", "weekday", "dayOfMonth", "hour", "timezone"] as const;
type FormField = (typeof FIELDS)[number];
/** A schedule makes every type but BACKTEST (a run does not change: there is nothing to report again). */
const SCHEDULABLE = REPORT_TYPES.map((t) => t.value).filter((t) => t !== "BACKTEST");
const HOURS = Array.from({ length: 24 }, (_, h) => h);

export interface ScheduleDraft extends ReportDraft {
  name: string;
  cadence: Cadence;
  weekday: number;
  dayOfMonth: string;
  hour: number;
  /** null: the user's preferences.timezone (shown as chosen). */
  timezone: string | null;
}

export const DEFAULT_SCHEDULE: ScheduleDraft = { ...DEFAULT_DRAFT, name: "", cadence: "WEEKLY", weekday: 0, dayOfMonth: "1", hour: 8, timezone: null };

export function validateSchedule(draft: ScheduleDraft): Partial<Record<FormField, string>> {
  const day = Number(draft.dayOfMonth);
  return {
    ...validateOptions(draft),
    dayOfMonth: draft.cadence === "MONTHLY" && !(Number.isInteger(day) && day >= 1 && day <= 31) ? "A day from 1 to 31" : undefined,
    name: draft.name.length > 100 ? "At most 100 characters" : undefined,
  };
}

/** A new schedule: the report's options, then when it runs (cadence, weekday or day of month, hour, time zone:
 * the user's preference unless another is chosen), described in words as it is edited. */
export function ScheduleForm({ onCreated, onCancel }: { onCreated: (schedule: Schedule) => void; onCancel: () => void }) {
  const me = useMe();
  const preferred = me.data?.preferences.timezone ?? "UTC";
  const [draft, setDraft] = useState<ScheduleDraft>(DEFAULT_SCHEDULE);
  const create = useCreateSchedule();
  const errors = useFormErrors(FIELDS, create.error);
  const change = (patch: Partial<ScheduleDraft>, ...fields: FormField[]) => {
    setDraft((d) => ({ ...d, ...patch }));
    errors.edited(...fields);
  };
  const timezone = draft.timezone ?? preferred;
  const here = browserZone();
  const banner = errors.general ?? (create.error && !(create.error instanceof ApiError) ? create.error.message : undefined);
  const rule = {
    cadence: draft.cadence,
    weekday: draft.weekday,
    dayOfMonth: Number(draft.dayOfMonth) || null,
    hour: draft.hour,
    timezone,
  };

  function submit(event: FormEvent) {
    event.preventDefault();
    errors.submitted();
    if (!errors.check(validateSchedule(draft))) return;
    create.mutate(
      {
        ...toOptions(draft),
        ...(draft.name.trim() ? { name: draft.name.trim() } : {}),
        cadence: draft.cadence,
        weekday: draft.cadence === "WEEKLY" ? draft.weekday : null,
        dayOfMonth: draft.cadence === "MONTHLY" ? Number(draft.dayOfMonth) : null,
        hour: draft.hour,
        timezone,
      },
      { onSuccess: onCreated },
    );
  }

  const described = (field: FormField, id: string) => (errors.of(field) ? { "aria-invalid": true as const, "aria-describedby": `${id}-error` } : {});
  return (
    <form className="stack rp-form rp-schedule-form" onSubmit={submit} noValidate aria-labelledby="schedule-form-title" id="schedule-form">
      <h3 id="schedule-form-title" className="rp-subtitle">
        New schedule
      </h3>
      <ReportFields idPrefix="sc" draft={draft} change={change} error={errors.of} types={SCHEDULABLE} />
      <fieldset className="rp-group">
        <legend>When</legend>
        <div className="row">
          <Field label="Repeats" htmlFor="sc-cadence" error={errors.of("cadence")}>
            <select id="sc-cadence" value={draft.cadence} onChange={(e) => change({ cadence: e.target.value as Cadence }, "cadence", "weekday", "dayOfMonth")} {...described("cadence", "sc-cadence")}>
              {CADENCES.map((c) => (
                <option key={c.value} value={c.value}>
                  {c.label}
                </option>
              ))}
            </select>
          </Field>
          {draft.cadence === "WEEKLY" ? (
            <Field label="On" htmlFor="sc-weekday" error={errors.of("weekday")}>
              <select id="sc-weekday" value={draft.weekday} onChange={(e) => change({ weekday: Number(e.target.value) }, "weekday")} {...described("weekday", "sc-weekday")}>
                {WEEKDAYS.map((day, i) => (
                  <option key={day} value={i}>
                    {day}
                  </option>
                ))}
              </select>
            </Field>
          ) : null}
          {draft.cadence === "MONTHLY" ? (
            <Field label="Day of the month" htmlFor="sc-day" error={errors.of("dayOfMonth")} hint="1–31; a shorter month runs on its last day">
              <input
                id="sc-day"
                inputMode="numeric"
                className="rp-day"
                value={draft.dayOfMonth}
                onChange={(e) => change({ dayOfMonth: e.target.value }, "dayOfMonth")}
                {...described("dayOfMonth", "sc-day")}
              />
            </Field>
          ) : null}
          <Field label="At" htmlFor="sc-hour" error={errors.of("hour")}>
            <select id="sc-hour" value={draft.hour} onChange={(e) => change({ hour: Number(e.target.value) }, "hour")} {...described("hour", "sc-hour")}>
              {HOURS.map((h) => (
                <option key={h} value={h}>
                  {hourText(h)}
                </option>
              ))}
            </select>
          </Field>
          <div className="rp-zone">
            <Field label="Time zone" htmlFor="sc-timezone" error={errors.of("timezone")} hint={timezone === preferred ? "Your account's time zone" : ""}>
              <select id="sc-timezone" value={timezone} onChange={(e) => change({ timezone: e.target.value }, "timezone")} {...described("timezone", "sc-timezone")}>
                {timeZones(preferred, timezone, here).map((z) => (
                  <option key={z} value={z}>
                    {z}
                  </option>
                ))}
              </select>
            </Field>
            {here && here !== timezone ? (
              <button type="button" className="link-button rp-here" onClick={() => change({ timezone: here }, "timezone")}>
                Use this browser's ({here})
              </button>
            ) : null}
          </div>
        </div>
        <p className="rp-rule" data-testid="schedule-rule">
          Runs: <strong>{describeCadence(rule)}</strong>
        </p>
      </fieldset>
      <Field label="Name (optional)" htmlFor="sc-name" error={errors.of("name")} hint="Blank: named after the cadence, type and symbols">
        <input id="sc-name" className="rp-text" value={draft.name} maxLength={100} onChange={(e) => change({ name: e.target.value }, "name")} {...described("name", "sc-name")} />
      </Field>
      {banner ? (
        <p className="form-error" role="alert" data-testid="schedule-error">
          {banner}
        </p>
      ) : null}
      <div className="row">
        <button type="submit" className="primary" disabled={create.isPending}>
          {create.isPending ? "Creating…" : "Create schedule"}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
