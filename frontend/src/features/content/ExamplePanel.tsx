/** "Your numbers": a lesson's live example from the reader's own data, with its source and as-of time, or why there
 * are no numbers. */
import { formatNumber } from "@/lib/format";
import type { LessonExample } from "./api";
import { SourceLine } from "./bits";

type Value = LessonExample["values"][number];

function valueText(v: Value): string {
  if (v.value === null) return "–";
  const text = typeof v.value === "number" ? formatNumber(v.value, Math.abs(v.value) >= 1 ? 2 : 4) : v.value;
  if (!v.unit) return text;
  return v.unit === "%" ? `${text}%` : `${text} ${v.unit}`;
}

export function ExamplePanel({ example }: { example: LessonExample }) {
  return (
    <aside className="ct-example" aria-labelledby="example-title" data-testid="example">
      <h2 id="example-title">
        Your numbers: {example.title}
        {example.subject ? <span className="muted"> · {example.subject}</span> : null}
      </h2>
      {example.values.length ? (
        <dl className="ct-facts">
          {example.values.map((v) => (
            <div key={v.label} className="ct-fact">
              <dt>{v.label}</dt>
              <dd>
                <strong>{valueText(v)}</strong>
                {v.hint ? <span className="ct-fact-source muted">{v.hint}</span> : null}
              </dd>
            </div>
          ))}
        </dl>
      ) : null}
      {example.note ? <p className="ct-note" data-testid="example-note">{example.note}</p> : null}
      <SourceLine source={example.source} asOf={example.asOf} snapshot={example.snapshot} testId="example-source" />
    </aside>
  );
}
