import { useState, type ChangeEvent, type FormEvent } from "react";
import { ApiError } from "@/api/errors";
import { Card } from "@/components/ui";
import { useUi } from "@/stores/ui";
import { useImportTransactions } from "./hooks";
import type { ImportOut, RowError } from "./types";

export const CSV_HEADER = "kind,symbol,quantity,price,fee,executedAt,externalId,note";
const LINE = /^line (\d+)(?: \(([^)]+)\))?: (.*)$/s;

/** The bad rows of a refused import: its 422's details ("line 3 (quantity): ...") as rows, or its one message
 * (a bad header: "line 1: ..."). */
export function rowErrors(error: unknown): RowError[] {
  if (!(error instanceof ApiError)) return [];
  const items = error.details.length ? error.details.map((d) => d.message) : [error.message];
  return items.map((message) => {
    const match = LINE.exec(message);
    return match ? { line: Number(match[1]), field: match[2] ?? "csv", message: match[3] ?? message } : { line: 0, field: error.field ?? "csv", message };
  });
}

/** A chosen file's text (FileReader: every browser, and the tests' DOM). */
function readText(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(typeof reader.result === "string" ? reader.result : "");
    reader.onerror = () => reject(reader.error ?? new Error("Could not read the file"));
    reader.readAsText(file);
  });
}

function ErrorTable({ rows, label }: { rows: RowError[]; label: string }) {
  return (
    <table className="pf-compact pf-narrow pf-import-errors" aria-label={label} data-testid="import-errors">
      <thead>
        <tr>
          <th scope="col" className="num">
            Line
          </th>
          <th scope="col">Column</th>
          <th scope="col">Problem</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r, i) => (
          <tr key={`${r.line}-${i}`}>
            <th scope="row" className="num">
              {r.line || "—"}
            </th>
            <td>{r.field}</td>
            <td className="pf-wrap">{r.message}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Transactions from CSV (pasted, or read from a file): idempotent (rows already recorded are skipped); any bad
 * row refuses the file, unless "import the good rows" is ticked. Each bad row is listed by its line. */
export function CsvImport({ portfolioId }: { portfolioId: number }) {
  const [csv, setCsv] = useState("");
  const [partial, setPartial] = useState(false);
  const [file, setFile] = useState<string>();
  const importer = useImportTransactions(portfolioId);
  const [result, setResult] = useState<ImportOut>();
  const refused = rowErrors(importer.error);

  async function readFile(event: ChangeEvent<HTMLInputElement>) {
    const chosen = event.target.files?.[0];
    if (!chosen) return;
    setCsv(await readText(chosen));
    setFile(chosen.name);
    setResult(undefined);
    importer.reset();
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!csv.trim()) return;
    setResult(undefined);
    importer.mutate(
      { csv, partial },
      {
        onSuccess: (out) => {
          setResult(out);
          useUi.getState().toast({
            kind: out.errors.length ? "info" : "success",
            title: `Imported ${out.imported} transaction${out.imported === 1 ? "" : "s"}`,
            body: [out.skipped ? `${out.skipped} already recorded` : "", out.errors.length ? `${out.errors.length} bad row(s) left out` : ""].filter(Boolean).join(" · ") || undefined,
          });
        },
      },
    );
  }

  return (
    <Card title="Import from CSV">
      <form className="stack" onSubmit={submit} noValidate aria-label="Import transactions from CSV">
        <p className="muted pf-footnote">
          Header: <code>{CSV_HEADER}</code> (fee, externalId and note may be empty). Times in UTC, e.g. 2025-11-01T00:00:00Z. Rows already recorded
          (same externalId, or the same content) are skipped.
        </p>
        <div className="field">
          <label htmlFor="csv-file">CSV file</label>
          <input id="csv-file" type="file" accept=".csv,text/csv,text/plain" onChange={(e) => void readFile(e)} />
          {file ? <span className="field-hint">Read {file}: check or edit it below.</span> : null}
        </div>
        <div className="field">
          <label htmlFor="csv-text">Or paste the CSV</label>
          <textarea
            id="csv-text"
            rows={6}
            value={csv}
            spellCheck={false}
            placeholder="Paste the rows here, the header line first"
            aria-describedby={refused.length ? "csv-refused" : undefined}
            onChange={(e) => {
              setCsv(e.target.value);
              setFile(undefined);
            }}
          />
        </div>
        <label className="pf-check">
          <input type="checkbox" checked={partial} onChange={(e) => setPartial(e.target.checked)} />
          Import the good rows even if some are bad (the bad ones are listed and left out)
        </label>
        <div className="row pf-submit">
          <button type="submit" className="primary" disabled={!csv.trim() || importer.isPending}>
            {importer.isPending ? "Importing…" : "Import"}
          </button>
        </div>
      </form>
      <div aria-live="polite" className="pf-import-result">
        {refused.length ? (
          <div className="stack" id="csv-refused" data-testid="import-refused">
            <p className="form-error" role="alert">
              {importer.error instanceof ApiError && importer.error.details.length
                ? `Nothing was imported: ${refused.length} bad row${refused.length === 1 ? "" : "s"}. Fix them, or tick “Import the good rows”.`
                : "Nothing was imported."}
            </p>
            <ErrorTable rows={refused} label="Rows that stopped the import" />
          </div>
        ) : importer.error ? (
          <p className="form-error" role="alert">
            {importer.error.message}
          </p>
        ) : null}
        {result ? (
          <div className="stack" data-testid="import-result">
            <p role="status">
              Imported <strong data-testid="import-imported">{result.imported}</strong> · skipped <strong>{result.skipped}</strong> already recorded
              {result.errors.length ? (
                <>
                  {" "}
                  · left out <strong>{result.errors.length}</strong> bad row{result.errors.length === 1 ? "" : "s"}:
                </>
              ) : (
                "."
              )}
            </p>
            {result.errors.length ? <ErrorTable rows={result.errors} label="Rows left out" /> : null}
          </div>
        ) : null}
      </div>
    </Card>
  );
}
