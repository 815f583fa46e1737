import { useState } from "react";
import { toastError } from "@/stores/ui";
import { downloadExport, EXPORT_FORMATS, type ExportFormat } from "../api";

const LABELS: Record<ExportFormat, string> = { csv: "CSV", json: "JSON", xlsx: "XLSX", parquet: "Parquet" };

/** One button per export format; each downloads the whole range (every page) as a file. */
export function ExportButtons({ symbol, interval, from, to }: { symbol: string; interval: string; from: string; to: string }) {
  const [busy, setBusy] = useState<ExportFormat | null>(null);
  const [saved, setSaved] = useState<string | null>(null);

  async function save(format: ExportFormat) {
    setBusy(format);
    setSaved(null);
    try {
      setSaved(await downloadExport({ symbol, interval, from, to, format }));
    } catch (error) {
      toastError(error, `Could not export ${LABELS[format]}`);
    } finally {
      setBusy(null);
    }
  }

  return (
    <div className="stack research-export">
      <div className="row" role="group" aria-label="Export the range">
        {EXPORT_FORMATS.map((format) => (
          <button key={format} type="button" onClick={() => void save(format)} disabled={busy !== null}>
            {busy === format ? `Exporting ${LABELS[format]}…` : `Export ${LABELS[format]}`}
          </button>
        ))}
      </div>
      <span className="muted" role="status">
        {saved ? `Saved ${saved}` : "Exports cover the whole range, not only the loaded pages."}
      </span>
    </div>
  );
}
