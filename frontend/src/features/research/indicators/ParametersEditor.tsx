export interface ParamRow {
  id: number;
  name: string;
  value: string;
}

let nextId = 1;
export const newParamRow = (name = "", value = ""): ParamRow => ({ id: nextId++, name, value });

const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,31}$/;

/** The rows that make a parameter (a valid name and a number), as the API takes them. */
export function parametersOf(rows: ParamRow[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const row of rows) {
    const value = Number(row.value);
    if (NAME.test(row.name.trim()) && row.value.trim() !== "" && Number.isFinite(value)) out[row.name.trim()] = value;
  }
  return out;
}

/** What is wrong with a row, checked locally (the API's message replaces it after a save). */
export function rowProblem(row: ParamRow): string | undefined {
  if (row.name.trim() === "" && row.value.trim() === "") return undefined;
  if (!NAME.test(row.name.trim())) return "A name starts with a letter or _ and has letters, digits or _ (up to 32)";
  if (row.value.trim() === "" || !Number.isFinite(Number(row.value))) return "Give a number";
  return undefined;
}

/** Named constants the formula can use (period1 = 14). */
export function ParametersEditor({
  rows,
  onChange,
  errorFor,
}: {
  rows: ParamRow[];
  onChange: (rows: ParamRow[]) => void;
  errorFor: (name: string) => string | undefined;
}) {
  const update = (id: number, patch: Partial<ParamRow>) => onChange(rows.map((r) => (r.id === id ? { ...r, ...patch } : r)));
  return (
    <fieldset className="research-fieldset">
      <legend>Parameters</legend>
      {rows.length === 0 ? <p className="muted">No parameters: numbers can be written in the formula directly.</p> : null}
      {rows.map((row, index) => {
        const problem = errorFor(row.name.trim()) ?? rowProblem(row);
        const n = index + 1;
        return (
          <div key={row.id} className="row param-row">
            <div className={"field" + (problem ? " field-invalid" : "")}>
              <label htmlFor={`param-name-${row.id}`}>Parameter {n} name</label>
              <input
                id={`param-name-${row.id}`}
                value={row.name}
                onChange={(e) => update(row.id, { name: e.target.value })}
                placeholder="period1"
                autoCapitalize="off"
                spellCheck={false}
                aria-invalid={problem ? true : undefined}
                aria-describedby={problem ? `param-error-${row.id}` : undefined}
              />
            </div>
            <div className={"field" + (problem ? " field-invalid" : "")}>
              <label htmlFor={`param-value-${row.id}`}>Parameter {n} value</label>
              <input
                id={`param-value-${row.id}`}
                type="number"
                step="any"
                value={row.value}
                onChange={(e) => update(row.id, { value: e.target.value })}
                placeholder="14"
                aria-invalid={problem ? true : undefined}
              />
            </div>
            <button type="button" onClick={() => onChange(rows.filter((r) => r.id !== row.id))} aria-label={`Remove parameter ${n}`}>
              Remove
            </button>
            {problem ? (
              <span className="field-error param-error" id={`param-error-${row.id}`} role="alert">
                {problem}
              </span>
            ) : null}
          </div>
        );
      })}
      <div>
        <button type="button" onClick={() => onChange([...rows, newParamRow()])} disabled={rows.length >= 20}>
          Add parameter
        </button>
      </div>
    </fieldset>
  );
}
