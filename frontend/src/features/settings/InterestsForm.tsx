import { useState, type FormEvent } from "react";
import { Field } from "@/components/ui";
import { MAX_INTERESTS, MAX_TAG, TOPICS, topicLabel } from "./preferences";
import { SaveRow } from "./SaveRow";
import { useSavePreferences } from "./useSavePreferences";

const API_FIELDS = { interests: ["preferences.interests"], tag: [] } as const;

/** preferences.interests: topics to tick, and tags of one's own; saved in the order chosen. */
export function InterestsForm({ saved }: { saved: string[] }) {
  const [chosen, setChosen] = useState(saved);
  const [tag, setTag] = useState("");
  const { save, errors, pending } = useSavePreferences(API_FIELDS, { saved: "Interests saved", failed: "Could not save your interests" });
  const offered = [...new Set([...TOPICS.map((t) => t.value), ...saved, ...chosen])];
  const dirty = chosen.join("\n") !== saved.join("\n");
  const error = errors.of("interests");

  function toggle(value: string, on: boolean) {
    setChosen((now) => (on ? [...now, value] : now.filter((v) => v !== value)));
    errors.edited("interests");
  }

  function add() {
    const value = tag.trim();
    const known = offered.find((v) => v.toLowerCase() === value.toLowerCase() || topicLabel(v).toLowerCase() === value.toLowerCase());
    const problem = !value
      ? "Type a topic first"
      : value.length > MAX_TAG
        ? `At most ${MAX_TAG} characters`
        : known && chosen.includes(known)
          ? `${topicLabel(known)} is already chosen`
          : undefined;
    errors.set("tag", problem);
    if (problem) return;
    toggle(known ?? value, true);
    setTag("");
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const tooMany = chosen.length > MAX_INTERESTS ? `At most ${MAX_INTERESTS} interests; ${chosen.length} are chosen` : undefined;
    if (!errors.check({ interests: tooMany }) || !dirty) return;
    save({ interests: chosen });
  }

  return (
    <form className="stack" onSubmit={submit} noValidate aria-label="Interests">
      <fieldset className="chips" aria-describedby={error ? "interests-error" : "interests-hint"} aria-invalid={Boolean(error)}>
        <legend className="muted">Topics you follow</legend>
        {offered.map((value) => (
          <label key={value} className="chip">
            <input type="checkbox" checked={chosen.includes(value)} onChange={(e) => toggle(value, e.target.checked)} />
            {topicLabel(value)}
          </label>
        ))}
      </fieldset>
      {error ? (
        <span className="field-error" role="alert" id="interests-error">
          {error}
        </span>
      ) : (
        <span className="field-hint" id="interests-hint">
          {chosen.length ? `${chosen.length} chosen` : "None chosen yet: tick the topics you follow, or add your own."}
        </span>
      )}
      <div className="row add-tag">
        <Field label="Another topic" htmlFor="interest-tag" error={errors.of("tag")} hint={`Your own tag, up to ${MAX_TAG} characters`}>
          <input
            id="interest-tag"
            value={tag}
            aria-invalid={Boolean(errors.of("tag"))}
            aria-describedby={errors.of("tag") ? "interest-tag-error" : undefined}
            onChange={(e) => {
              setTag(e.target.value);
              errors.set("tag", undefined);
            }}
            onKeyDown={(e) => {
              if (e.key === "Enter") {
                e.preventDefault();
                add();
              }
            }}
          />
        </Field>
        <button type="button" onClick={add}>
          Add topic
        </button>
      </div>
      <SaveRow
        label="Save interests"
        pending={pending}
        dirty={dirty}
        saved={saved.length ? `Saved: ${saved.map(topicLabel).join(", ")}` : "No interests saved yet"}
      />
    </form>
  );
}
