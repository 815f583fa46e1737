import { useEffect, useRef, useState } from "react";
import { ConfirmButton } from "@/components/ConfirmButton";
import { QueryView } from "@/components/QueryView";
import { Pager } from "@/components/Pager";
import { DataTable, type Column } from "@/components/table/DataTable";
import { Card, EmptyState, Skeleton } from "@/components/ui";
import { formatPrice } from "@/lib/format";
import { shortUtc } from "@/lib/dates";
import { toastError } from "@/stores/ui";
import { downloadTransactions } from "./api";
import { CsvImport } from "./CsvImport";
import { money, quantity } from "./format";
import { useDeleteTransaction, useTransactions } from "./hooks";
import { TransactionForm } from "./TransactionForm";
import { kindLabel, type Portfolio, type Transaction } from "./types";

export const PAGE = 20;
const rowId = (id: number) => `tx-${id}`;

function Actions({
  t,
  onCorrect,
  onDelete,
  busy,
}: {
  t: Transaction;
  onCorrect: (t: Transaction) => void;
  onDelete: (t: Transaction, settle: () => void) => void;
  busy: boolean;
}) {
  const [asking, setAsking] = useState(false);
  const remove = (
    <ConfirmButton
      label={`Delete transaction ${t.transactionId}`}
      confirmText="Yes, delete"
      cancelText="Keep"
      autoFocus
      disabled={busy}
      asking={asking}
      onAskingChange={setAsking}
      onConfirm={() => onDelete(t, () => setAsking(false))}
    />
  );
  return (
    <div className="pf-actions" role={asking ? "group" : undefined} aria-label={asking ? `Confirm deleting transaction ${t.transactionId}` : undefined}>
      {asking ? (
        <span className="muted">Delete #{t.transactionId}?</span>
      ) : (
        <button type="button" onClick={() => onCorrect(t)} aria-label={`Correct transaction ${t.transactionId}`}>
          Correct
        </button>
      )}
      {remove}
    </div>
  );
}

function ExportButton({ portfolioId }: { portfolioId: number }) {
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<string>();
  return (
    <span className="pf-export">
      <button
        type="button"
        disabled={busy}
        onClick={() => {
          setBusy(true);
          downloadTransactions(portfolioId)
            .then(setSaved)
            .catch((error: unknown) => toastError(error, "Could not export the transactions"))
            .finally(() => setBusy(false));
        }}
      >
        {busy ? "Exporting…" : "Export CSV"}
      </button>
      <span className="muted" role="status">
        {saved ? `Saved ${saved}` : ""}
      </span>
    </span>
  );
}

/** /portfolios/:id/transactions: the ledger the holdings are derived from, newest first, a page at a time; a form
 * to record (or correct) one, inline deletes, and CSV import and export. */
export function Transactions({ portfolio }: { portfolio: Portfolio }) {
  const id = portfolio.portfolioId;
  const [offset, setOffset] = useState(0);
  const page = useTransactions(id, offset, PAGE);
  const remove = useDeleteTransaction(id);
  const [editing, setEditing] = useState<Transaction>();
  // Focus after an action: the row recorded, corrected or next to the one deleted, once it is listed (or the
  // form's first field when none is left). Each request is acted on once.
  const [focus, setFocus] = useState<{ target: number | "form"; n: number }>();
  const handled = useRef(0);
  const setFocusRow = (target: number | "form") => setFocus((now) => ({ target, n: (now?.n ?? 0) + 1 }));
  const rows = page.data?.transactions;
  useEffect(() => {
    if (!focus || handled.current === focus.n || page.isFetching) return;
    handled.current = focus.n;
    if (focus.target === "form") document.getElementById("tx-kind")?.focus();
    else document.getElementById(rowId(focus.target))?.focus();
  }, [focus, page.isFetching, rows]);

  function onDelete(t: Transaction, settle: () => void) {
    const list = rows ?? [];
    const at = list.findIndex((r) => r.transactionId === t.transactionId);
    const neighbour = list[at + 1] ?? list[at - 1];
    remove.mutate(t.transactionId, {
      onSuccess: () => {
        if (editing?.transactionId === t.transactionId) setEditing(undefined);
        if (!neighbour && offset > 0) setOffset(Math.max(0, offset - PAGE));
        setFocusRow(neighbour ? neighbour.transactionId : "form");
      },
      onSettled: settle,
    });
  }

  const columns: Column<Transaction>[] = [
    { key: "id", label: "#", cell: (t) => t.transactionId, cellProps: () => ({ className: "muted" }), priority: 3 },
    { key: "at", label: "Executed (UTC)", cell: (t) => shortUtc(t.executedAt) },
    { key: "kind", label: "Kind", cell: (t) => kindLabel(t.kind) },
    { key: "symbol", label: "Symbol", rowHeader: true, cell: (t) => t.symbol },
    { key: "quantity", label: "Quantity", align: "end", cell: (t) => quantity(t.quantity) },
    { key: "price", label: "Price", align: "end", cell: (t) => formatPrice(t.price) },
    { key: "fee", label: "Fee", align: "end", cell: (t) => money(t.fee), priority: 2 },
    { key: "external", label: "External id", cell: (t) => t.externalId ?? "", cellProps: () => ({ className: "muted" }), priority: 3 },
    { key: "note", label: "Note", cell: (t) => t.note ?? "", cellProps: () => ({ className: "muted pf-note" }), priority: 3 },
    {
      key: "actions",
      label: "Actions",
      hideLabel: true,
      cell: (t) => <Actions t={t} busy={remove.isPending} onCorrect={setEditing} onDelete={onDelete} />,
    },
  ];

  const total = page.data?.total ?? 0;
  return (
    <div className="stack">
      {editing ? (
        <TransactionForm
          key={`edit-${editing.transactionId}`}
          portfolioId={id}
          transaction={editing}
          onDone={(saved) => {
            setEditing(undefined);
            setFocusRow(saved.transactionId);
          }}
          onCancel={() => {
            setFocusRow(editing.transactionId);
            setEditing(undefined);
          }}
        />
      ) : (
        <TransactionForm
          portfolioId={id}
          onDone={(saved) => {
            setOffset(0);
            setFocusRow(saved.transactionId);
          }}
        />
      )}
      <Card
        title="Transactions"
        actions={
          <div className="row pf-tx-head">
            {page.data ? (
              <span className="muted" data-testid="tx-count">
                {total} in all
              </span>
            ) : null}
            {total ? <ExportButton portfolioId={id} /> : null}
          </div>
        }
      >
        <QueryView
          query={page}
          loading={<Skeleton lines={4} height={26} />}
          error="Could not load the transactions"
          isEmpty={(data) => data.total === 0}
          empty={
            <EmptyState title="No transactions yet">
              <p>Record the first above (a buy, or a deposit of cash), or import a CSV below: the holdings are derived from them.</p>
            </EmptyState>
          }
        >
          {(data) => (
            <div className="stack">
              <DataTable
                columns={columns}
                rows={data.transactions}
                rowKey={(t) => t.transactionId}
                label="Transactions"
                testId="tx-table"
                cards
                maxHeight="none"
                rowProps={(t) => ({ id: rowId(t.transactionId), tabIndex: -1, "data-testid": `tx-row-${t.transactionId}` })}
              />
              <Pager offset={offset} size={PAGE} total={total} label="Transaction pages" onChange={setOffset} />
            </div>
          )}
        </QueryView>
      </Card>
      <CsvImport portfolioId={id} />
    </div>
  );
}
