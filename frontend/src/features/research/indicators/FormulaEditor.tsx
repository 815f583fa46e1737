import { useRef } from "react";
import { locate, offsetOf } from "./formula";

export interface FormulaProblem {
  message: string;
  column: number | null; // 1-based, in the formula as typed
}

export type CheckState = "idle" | "checking" | "ok" | "error";

/** The formula line with the reported column marked, and a caret under it. */
export function FormulaMarker({ formula, problem, onJump }: { formula: string; problem: FormulaProblem; onJump?: () => void }) {
  const where = problem.column === null ? null : locate(formula, problem.column);
  const chars = where ? Array.from(where.text) : [];
  const at = where ? where.column - 1 : 0;
  return (
    <div className="formula-error" data-testid="formula-error">
      {where ? (
        <pre className="formula-marker" aria-hidden="true" data-testid="formula-marker" data-column={where.column}>
          {chars.slice(0, at).join("")}
          <mark>{chars[at] ?? " "}</mark>
          {chars.slice(at + 1).join("")}
          {"\n"}
          <span className="formula-caret" data-testid="formula-caret">
            {" ".repeat(at)}^
          </span>
        </pre>
      ) : null}
      <span className="field-error" role="alert" id="indicator-formula-error">
        {problem.message}
        {where ? (
          <>
            {" "}
            {onJump ? (
              <button type="button" className="link-button" onClick={onJump}>
                (line {where.line}, column {where.column}: go there)
              </button>
            ) : (
              <span>
                (line {where.line}, column {where.column})
              </span>
            )}
          </>
        ) : null}
      </span>
    </div>
  );
}

/** The formula textarea, its check status and the inline parser error with a marker under the column. */
export function FormulaEditor({
  value,
  onChange,
  problem,
  state,
}: {
  value: string;
  onChange: (formula: string) => void;
  problem: FormulaProblem | null;
  state: CheckState;
}) {
  const area = useRef<HTMLTextAreaElement>(null);

  function jump() {
    const box = area.current;
    if (!box || problem?.column == null) return;
    const offset = offsetOf(value, problem.column);
    box.focus();
    box.setSelectionRange(offset, Math.min(offset + 1, value.length));
  }

  const status =
    state === "checking" ? "Checking…" : state === "ok" ? "✓ The formula parses" : state === "idle" ? "Checked as you type" : "";
  return (
    <div className={"field formula-field" + (problem ? " field-invalid" : "")}>
      <label htmlFor="indicator-formula">Formula</label>
      <textarea
        ref={area}
        id="indicator-formula"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        rows={3}
        maxLength={1000}
        spellCheck={false}
        autoCapitalize="off"
        autoCorrect="off"
        placeholder="RSI(period1) - RSI(period2)"
        aria-invalid={problem ? true : undefined}
        aria-describedby={problem ? "indicator-formula-error" : "indicator-formula-hint"}
      />
      {problem ? (
        <FormulaMarker formula={value} problem={problem} onJump={jump} />
      ) : (
        <span className="field-hint" id="indicator-formula-hint">
          <span className={state === "ok" ? "up" : undefined} data-testid="formula-status">
            {status}
          </span>{" "}
          · e.g. <code>SMA(RSI(14), 5)</code>, <code>MACD(12, 26, 9).signal</code>, <code>CROSSOVER(EMA(CLOSE, 12), EMA(CLOSE, 26))</code>
        </span>
      )}
    </div>
  );
}
