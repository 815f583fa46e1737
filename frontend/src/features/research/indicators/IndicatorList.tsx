import { useState } from "react";
import type { CustomIndicator } from "@/api/indicators";
import { ConfirmButton } from "@/components/ConfirmButton";
import { formatTime } from "@/lib/format";

/** The user's saved indicators, with edit and a two-step delete (no browser dialog). */
export function IndicatorList({
  items,
  editingId,
  deletingId,
  onEdit,
  onDelete,
}: {
  items: CustomIndicator[];
  editingId: number | null;
  deletingId: number | null;
  onEdit: (indicator: CustomIndicator) => void;
  onDelete: (indicator: CustomIndicator) => void;
}) {
  const [confirming, setConfirming] = useState<number | null>(null);
  return (
    <div className="table-wrap">
      <table data-testid="indicator-list">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Key</th>
            <th scope="col">Formula</th>
            <th scope="col">Parameters</th>
            <th scope="col" className="num">
              Lookback
            </th>
            <th scope="col">Updated</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={item.indicatorId} aria-current={item.indicatorId === editingId ? "true" : undefined}>
              <td>
                <strong>{item.name}</strong>
                {item.description ? <div className="muted research-wrap">{item.description}</div> : null}
              </td>
              <td>
                <code>{item.key}</code>
              </td>
              <td className="research-wrap">
                <code>{item.formula}</code>
              </td>
              <td>
                {Object.entries(item.parameters)
                  .map(([k, v]) => `${k} = ${v}`)
                  .join(", ") || <span className="muted">–</span>}
              </td>
              <td className="num">{item.lookback}</td>
              <td>{formatTime(item.updatedAt ?? item.createdAt)}</td>
              <td>
                <div className="row research-actions">
                  <button type="button" onClick={() => onEdit(item)} aria-label={`Edit ${item.name}`}>
                    {item.indicatorId === editingId ? "Editing" : "Edit"}
                  </button>
                  <ConfirmButton
                    label={`Delete ${item.name}`}
                    confirmLabel={`Confirm deleting ${item.name}`}
                    disabled={deletingId === item.indicatorId}
                    asking={confirming === item.indicatorId}
                    onAskingChange={(asking) => setConfirming(asking ? item.indicatorId : null)}
                    onConfirm={() => {
                      setConfirming(null);
                      onDelete(item);
                    }}
                  >
                    {deletingId === item.indicatorId ? "Deleting…" : "Delete"}
                  </ConfirmButton>
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
