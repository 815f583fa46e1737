import { useState, type FormEvent } from "react";
import { Field } from "@/components/ui";
import { LEARNING_LEVELS, type LearningLevel } from "./preferences";
import { SaveRow } from "./SaveRow";
import { useSavePreferences } from "./useSavePreferences";

const API_FIELDS = { learningLevel: ["preferences.learningLevel"] } as const;
const label = (value: LearningLevel | null) => LEARNING_LEVELS.find((l) => l.value === value)?.label ?? "Not set";

/** preferences.learningLevel: where Learn's suggestions start, or not set (they follow your progress). */
export function LearningLevelForm({ saved }: { saved: LearningLevel | null }) {
  const [level, setLevel] = useState<LearningLevel | null>(saved);
  const { save, errors, pending } = useSavePreferences(API_FIELDS, { saved: "Learning level saved", failed: "Could not save your learning level" });
  const meaning = LEARNING_LEVELS.find((l) => l.value === level)?.meaning ?? "Suggestions follow your progress and interests.";

  function submit(event: FormEvent) {
    event.preventDefault();
    if (level !== saved) save({ learningLevel: level });
  }

  return (
    <form className="stack" onSubmit={submit} noValidate aria-label="Learning level">
      <Field label="Learning level" htmlFor="learning-level" error={errors.of("learningLevel")} hint={meaning}>
        <select
          id="learning-level"
          value={level ?? ""}
          onChange={(e) => {
            setLevel(LEARNING_LEVELS.find((l) => l.value === e.target.value)?.value ?? null);
            errors.edited("learningLevel");
          }}
        >
          <option value="">Not set</option>
          {LEARNING_LEVELS.map((l) => (
            <option key={l.value} value={l.value}>
              {l.label}
            </option>
          ))}
        </select>
      </Field>
      <SaveRow label="Save learning level" pending={pending} dirty={level !== saved} saved={`Saved: ${label(saved)}`} />
    </form>
  );
}
