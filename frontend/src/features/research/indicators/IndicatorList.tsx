import { useState } from "react";
import type { CustomIndicator } from "@/api/indicators";
import { ConfirmButton } from "@/components/ConfirmButton";
import { DataTable, type Column } from "@/components/table/DataTable";
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
  const columns: Column<CustomIndicator>[] = [
    {
      key: "name",
      label: "Name",
      cell: (item) => (
        <>
          <strong>{item.name}</strong>
          {item.description ? <div className="muted research-wrap">{item.description}</div> : null}
        </>
      ),
      sortValue: (item) => item.name,
    },
    { key: "key", label: "Key", cell: (item) => <code>{item.key}</code>, sortValue: (item) => item.key, priority: 2 },
    { key: "formula", label: "Formula", cell: (item) => <code>{item.formula}</code>, cellProps: () => ({ className: "research-wrap" }) },
    {
      key: "parameters",
      label: "Parameters",
      cell: (item) =>
        Object.entries(item.parameters)
          .map(([k, v]) => `${k} = ${v}`)
          .join(", ") || <span className="muted">–</span>,
      priority: 2,
    },
    { key: "lookback", label: "Lookback", align: "end", cell: (item) => item.lookback, sortValue: (item) => item.lookback, priority: 3 },
    {
      key: "updated",
      label: "Updated",
      cell: (item) => formatTime(item.updatedAt ?? item.createdAt),
      sortValue: (item) => item.updatedAt ?? item.createdAt,
      priority: 3,
    },
    {
      key: "actions",
      label: "Actions",
      hideLabel: true,
      cell: (item) => (
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
      ),
    },
  ];
  return (
    <DataTable
      columns={columns}
      rows={items}
      rowKey={(item) => item.indicatorId}
      label="Your indicators"
      testId="indicator-list"
      rowProps={(item) => (item.indicatorId === editingId ? { "aria-current": "true" } : {})}
    />
  );
}
