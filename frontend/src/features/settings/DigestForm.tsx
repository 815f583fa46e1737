import { useState, type FormEvent } from "react";
import { Field } from "@/components/ui";
import { DIGEST_CHANNELS, type DigestChannel, type DigestSettings } from "./preferences";
import { SaveRow } from "./SaveRow";
import { useSavePreferences } from "./useSavePreferences";

const API_FIELDS = {
  enabled: ["preferences.digest.enabled"],
  hour: ["preferences.digest.hour"],
  channels: ["preferences.digest.channels"],
} as const;
const HOURS = Array.from({ length: 24 }, (_, hour) => hour);
const clock = (hour: number) => `${String(hour).padStart(2, "0")}:00`;

/** "Daily at 07:00 (Europe/Berlin) by email and in the app", or "Off". */
function summary(digest: Required<DigestSettings>, zone: string): string {
  if (!digest.enabled) return "Off";
  const ways = DIGEST_CHANNELS.filter((c) => digest.channels.includes(c.value)).map((c) => (c.value === "EMAIL" ? "by email" : "in the app"));
  return `Daily at ${clock(digest.hour)} (${zone})${ways.length ? " " + ways.join(" and ") : ""}`;
}

/** preferences.digest: whether the daily digest is sent, at which hour of the account's time zone, and where. */
export function DigestForm({ saved, zone }: { saved: DigestSettings; zone: string }) {
  const initial = { ...saved, channels: saved.channels ?? [] };
  const [digest, setDigest] = useState(initial);
  const { save, errors, pending } = useSavePreferences(API_FIELDS, { saved: "Daily digest saved", failed: "Could not save your daily digest" });
  const dirty = JSON.stringify(digest) !== JSON.stringify(initial);
  const channelsError = errors.of("channels");

  function change(patch: Partial<typeof digest>, field: keyof typeof API_FIELDS) {
    setDigest((now) => ({ ...now, ...patch }));
    errors.set(field, undefined);
    errors.edited(field);
  }

  function toggle(channel: DigestChannel, on: boolean) {
    const channels = DIGEST_CHANNELS.map((c) => c.value).filter((c) => (c === channel ? on : digest.channels.includes(c)));
    change({ channels }, "channels");
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const noChannel = digest.enabled && digest.channels.length === 0 ? "Pick where to send it" : undefined;
    if (!errors.check({ channels: noChannel }) || !dirty) return;
    save({ digest });
  }

  return (
    <form className="stack" onSubmit={submit} noValidate aria-label="Daily digest">
      <label className="risk-option">
        <input type="checkbox" checked={digest.enabled} onChange={(e) => change({ enabled: e.target.checked }, "enabled")} />
        <span>
          <strong>Send me the daily digest</strong>
          <span className="muted risk-meaning">The market of your day, your movers, portfolios and alerts, news and lessons for you.</span>
        </span>
      </label>
      <Field label={`Hour (${zone})`} htmlFor="digest-hour" error={errors.of("hour")} hint="In your time zone, set under Time zone">
        <select id="digest-hour" value={digest.hour} disabled={!digest.enabled} onChange={(e) => change({ hour: Number(e.target.value) }, "hour")}>
          {HOURS.map((hour) => (
            <option key={hour} value={hour}>
              {clock(hour)}
            </option>
          ))}
        </select>
      </Field>
      <fieldset className="theme-switch" aria-describedby={channelsError ? "digest-channels-error" : undefined} disabled={!digest.enabled}>
        <legend className="muted">Send it</legend>
        {DIGEST_CHANNELS.map((c) => (
          <label key={c.value} className="check">
            <input type="checkbox" checked={digest.channels.includes(c.value)} onChange={(e) => toggle(c.value, e.target.checked)} />
            {c.label}
          </label>
        ))}
      </fieldset>
      {channelsError ? (
        <span className="field-error" role="alert" id="digest-channels-error">
          {channelsError}
        </span>
      ) : null}
      <SaveRow label="Save daily digest" pending={pending} dirty={dirty} saved={`Saved: ${summary(initial, zone)}`} />
    </form>
  );
}
