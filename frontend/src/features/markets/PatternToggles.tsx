import { GROUP_LABELS, PATTERN_GROUPS, type PatternGroup } from "./patterns";

/** A switch per pattern group drawn on the chart, with how many of each the scan found. */
export function PatternToggles({
  selected,
  counts,
  busy,
  onChange,
}: {
  selected: readonly PatternGroup[];
  counts: Partial<Record<PatternGroup, number>>;
  busy: boolean;
  onChange: (groups: PatternGroup[]) => void;
}) {
  return (
    <fieldset className="pattern-toggles" aria-busy={busy || undefined}>
      <legend>Patterns</legend>
      <div className="pattern-toggle-list">
        {PATTERN_GROUPS.map((group) => {
          const on = selected.includes(group);
          const count = on ? counts[group] : undefined;
          return (
            <label key={group} className={"pill pattern-toggle" + (on ? " on" : "")}>
              <input
                type="checkbox"
                checked={on}
                onChange={(e) =>
                  onChange(PATTERN_GROUPS.filter((g) => (g === group ? e.target.checked : selected.includes(g))))
                }
              />
              {GROUP_LABELS[group]}
              {count !== undefined ? <span className="pattern-count"> {count}</span> : null}
            </label>
          );
        })}
        {busy ? (
          <span className="muted pattern-busy" role="status">
            Finding patterns…
          </span>
        ) : null}
      </div>
    </fieldset>
  );
}
