import { useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { CHANNEL_STATUS_KEY } from "@/api/channels";
import { ApiError, fieldError } from "@/api/errors";
import { Field } from "@/components/ui";
import { useFormErrors } from "@/lib/useFormErrors";
import { toastError, useUi } from "@/stores/ui";
import { CHANNELS, type ChannelKey } from "./channels";
import { EmailDelivery } from "./EmailDelivery";
import { TestChannelButton } from "./TestChannelButton";
import { useMe, useUpdateMe } from "@/api/me";

type Values = Record<ChannelKey, string>;
type Saved = Record<string, string | null>;

const apiField = (key: ChannelKey) => `preferences.channels.${key}`;
const KEYS = CHANNELS.map((c) => c.key);
const API_FIELDS = Object.fromEntries(KEYS.map((key) => [key, [apiField(key)]])) as Record<ChannelKey, string[]>;

/** Where notifications go (preferences.channels): edit, save only what changed, test each channel. */
export function ChannelsForm({ saved }: { saved: Saved }) {
  const initial = Object.fromEntries(
    CHANNELS.map((c) => [c.key, c.key === "webhookSecret" ? "" : (saved[c.key] ?? "")]),
  ) as Values;
  const [values, setValues] = useState<Values>(initial);
  const update = useUpdateMe((error) => {
    const known = error instanceof ApiError && CHANNELS.some((c) => fieldError(error, apiField(c.key)));
    if (!known) toastError(error, "Could not save the channels");
  });
  const secret = saved.webhookSecret ?? null;
  const accountEmail = useMe().data?.email ?? "";
  const queryClient = useQueryClient();

  const changed = CHANNELS.filter((c) => values[c.key].trim() !== initial[c.key]);
  const errors = useFormErrors(KEYS, update.error, API_FIELDS);
  const message = errors.of;

  function save(patch: Partial<Record<ChannelKey, string | null>>) {
    update.mutate(
      { preferences: { channels: patch } },
      {
        onSuccess: () => {
          void queryClient.invalidateQueries({ queryKey: CHANNEL_STATUS_KEY });
          useUi.getState().toast({ kind: "success", title: "Notification channels saved" });
        },
      },
    );
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const problems: Partial<Record<ChannelKey, string>> = {};
    const patch: Partial<Record<ChannelKey, string | null>> = {};
    for (const c of changed) {
      const value = values[c.key].trim();
      // Saved secrets come back masked ("…abcd"): an edit of the mask would be ignored by the server.
      const problem = value.includes("…") ? "Type the whole new value: the saved one is shown masked" : value ? c.check(value) : undefined;
      if (problem) problems[c.key] = problem;
      patch[c.key] = value || null;
    }
    if (!errors.check(problems) || !changed.length) return;
    save(patch);
  }

  return (
    <form className="stack channels-form" onSubmit={submit} noValidate aria-label="Notification channels">
      <EmailDelivery accountEmail={accountEmail} />
      {CHANNELS.map((c) => {
        const error = message(c.key);
        const id = `channel-${c.key}`;
        return (
          <div key={c.key} className="channel-row">
            <Field
              label={c.label}
              htmlFor={id}
              error={error}
              hint={
                c.key === "webhookSecret" && secret
                  ? `Saved: ${secret} — type a new one to replace it`
                  : c.key === "email" && accountEmail
                    ? `Leave empty to use your account email, ${accountEmail}`
                    : initial[c.key].includes("…")
                      ? `${c.hint}. Saved encrypted and shown masked: type a new value to replace it`
                      : c.hint
              }
            >
              <input
                id={id}
                name={c.key}
                type={c.type}
                value={values[c.key]}
                placeholder={c.key === "webhookSecret" && secret ? secret : c.placeholder}
                autoComplete={c.key === "webhookSecret" ? "new-password" : c.type === "email" ? "email" : c.type === "tel" ? "tel" : "off"}
                aria-invalid={Boolean(error)}
                aria-describedby={error ? `${id}-error` : undefined}
                onChange={(e) => setValues((v) => ({ ...v, [c.key]: e.target.value }))}
              />
            </Field>
            {c.test ? (
              <TestChannelButton channel={c.test} label={c.label} />
            ) : secret ? (
              <div className="test-channel">
                <button type="button" className="danger" onClick={() => save({ webhookSecret: null })} disabled={update.isPending}>
                  Remove secret
                </button>
              </div>
            ) : (
              <span />
            )}
          </div>
        );
      })}
      <div className="row">
        <button type="submit" className="primary" disabled={update.isPending || !changed.length}>
          {update.isPending ? "Saving…" : "Save channels"}
        </button>
        <span className="muted">Tests use the saved settings{changed.length ? " — save your changes first" : ""}.</span>
      </div>
      <div className="channel-row">
        <p className="muted in-app-note">In-app notifications go to your inbox and open sessions; nothing to set up.</p>
        <TestChannelButton channel="IN_APP" label="In-app" />
      </div>
    </form>
  );
}
