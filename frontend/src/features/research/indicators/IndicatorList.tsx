import { useState } from "react";
import { EmptyState } from "@/components/ui";
import { formatTime } from "@/lib/format";
import type { CustomIndicator } from "../api";

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
  if (items.length === 0) {
    return (
      <EmptyState title="No custom indicators yet">
        Write a formula above, check its preview, then press <strong>Save indicator</strong>. Saved indicators can be used
        in other formulas by their key and in Rules backtests.
      </EmptyState>
    );
  }
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
              <span className="research-sr-only">Actions</span>
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
                  {confirming === item.indicatorId ? (
                    <>
                      <button
                        type="button"
                        className="danger"
                        onClick={() => {
                          setConfirming(null);
                          onDelete(item);
                        }}
                        aria-label={`Confirm deleting ${item.name}`}
                      >
                        Confirm delete
                      </button>
                      <button type="button" onClick={() => setConfirming(null)}>
                        Keep
                      </button>
                    </>
                  ) : (
                    <button
                      type="button"
                      className="danger"
                      onClick={() => setConfirming(item.indicatorId)}
                      disabled={deletingId === item.indicatorId}
                      aria-label={`Delete ${item.name}`}
                    >
                      {deletingId === item.indicatorId ? "Deleting…" : "Delete"}
                    </button>
                  )}
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
