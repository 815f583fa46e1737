import { useEffect, useMemo, useRef, useState, type FormEvent } from "react";
import { ApiError } from "@/api/errors";
import { useSymbols } from "@/api/symbols";
import { Card, Field } from "@/components/ui";
import { formatPrice } from "@/lib/format";
import { useFormErrors } from "@/lib/useFormErrors";
import { useLive } from "@/realtime/socket";
import { useUi } from "@/stores/ui";
import { useAddTransaction, useCorrectTransaction } from "./hooks";
import { useWatch } from "./live";
import { CASH, isCash, KINDS, type Kind, type Transaction, type TransactionIn, type TransactionPatch } from "./types";

const FIELDS = ["kind", "symbol", "quantity", "price", "fee", "executedAt", "externalId", "note"] as const;
type TxField = (typeof FIELDS)[number];

export interface TxForm {
  kind: Kind;
  symbol: string;
  quantity: string;
  price: string;
  fee: string;
  /** A datetime-local value, read as UTC. */
  executedAt: string;
  externalId: string;
  note: string;
}

const MINUTE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;
const nowMinute = () => new Date().toISOString().slice(0, 16);

export const emptyTx = (): TxForm => ({ kind: "BUY", symbol: "BTC-USD", quantity: "", price: "", fee: "", executedAt: nowMinute(), externalId: "", note: "" });

export function txFromTransaction(t: Transaction): TxForm {
  return {
    kind: t.kind,
    symbol: t.symbol,
    quantity: String(t.quantity),
    price: String(t.price),
    fee: t.fee ? String(t.fee) : "",
    executedAt: t.executedAt.slice(0, 19).replace(/:00$/, ""),
    externalId: t.externalId ?? "",
    note: t.note ?? "",
  };
}

/** "2025-11-01T00:00" (UTC) -> "2025-11-01T00:00:00Z"; undefined when not a time. */
export function utcIso(local: string): string | undefined {
  if (!MINUTE.test(local)) return undefined;
  const iso = `${local.length === 16 ? `${local}:00` : local}Z`;
  return Number.isNaN(Date.parse(iso)) ? undefined : iso;
}

const decimal = (text: string) => text.trim().replace(",", ".");
const isNumber = (text: string) => /^\d+(\.\d+)?$|^\.\d+$/.test(decimal(text));

/** The form's own checks, as the API makes them (quantity > 0, price and fee >= 0, not in the future). */
export function checkTx(form: TxForm): Partial<Record<TxField, string>> {
  const problems: Partial<Record<TxField, string>> = {};
  if (!form.symbol) problems.symbol = "Pick a symbol";
  if (!isNumber(form.quantity) || Number(decimal(form.quantity)) <= 0) problems.quantity = "A quantity above 0";
  if (!isNumber(form.price)) problems.price = "A price of 0 or more, in USD per unit";
  if (form.fee.trim() && !isNumber(form.fee)) problems.fee = "A fee of 0 or more, in USD";
  const at = utcIso(form.executedAt);
  if (!at) problems.executedAt = "A date and time (UTC)";
  else if (Date.parse(at) > Date.now()) problems.executedAt = "Not in the future";
  return problems;
}

export function toTransactionIn(form: TxForm): TransactionIn {
  return {
    kind: form.kind,
    symbol: form.symbol,
    quantity: decimal(form.quantity),
    price: decimal(form.price),
    fee: form.fee.trim() ? decimal(form.fee) : "0",
    executedAt: utcIso(form.executedAt)!,
    ...(form.externalId.trim() ? { externalId: form.externalId.trim() } : {}),
    ...(form.note.trim() ? { note: form.note.trim() } : {}),
  };
}

/** Only what changed, for a correction (PATCH): the external id cannot change. */
export function toPatch(before: TxForm, form: TxForm): TransactionPatch {
  const body = toTransactionIn(form);
  const was = toTransactionIn(before);
  const patch: TransactionPatch = {};
  if (body.kind !== was.kind) patch.kind = body.kind;
  if (body.symbol !== was.symbol) patch.symbol = body.symbol;
  if (Number(body.quantity) !== Number(was.quantity)) patch.quantity = body.quantity;
  if (Number(body.price) !== Number(was.price)) patch.price = body.price;
  if (Number(body.fee) !== Number(was.fee)) patch.fee = body.fee;
  if (Date.parse(body.executedAt) !== Date.parse(was.executedAt)) patch.executedAt = body.executedAt;
  if ((body.note ?? null) !== (was.note ?? null)) patch.note = body.note ?? null;
  return patch;
}

/** Record a transaction of any kind, or correct one (`transaction`): the API's field errors (selling more than
 * is held: on the quantity) next to their field. */
export function TransactionForm({
  portfolioId,
  transaction,
  onDone,
  onCancel,
}: {
  portfolioId: number;
  transaction?: Transaction | undefined;
  /** After a save: the transaction as stored. */
  onDone: (saved: Transaction) => void;
  onCancel?: () => void;
}) {
  const initial = useMemo(() => (transaction ? txFromTransaction(transaction) : emptyTx()), [transaction]);
  const [form, setForm] = useState<TxForm>(initial);
  const add = useAddTransaction(portfolioId);
  const correct = useCorrectTransaction(portfolioId);
  const save = transaction ? correct : add;
  const symbols = useSymbols({ staleTime: 10 * 60_000 });
  const first = useRef<HTMLSelectElement>(null);
  const problems = checkTx(form);
  const errors = useFormErrors<TxField>(FIELDS, save.error, {}, { live: problems, touchedOnly: true });
  const formError = errors.general ?? (save.error && !(save.error instanceof ApiError) ? save.error.message : undefined);
  const invalid = Object.keys(problems).length > 0;
  const patch = transaction && !invalid ? toPatch(initial, form) : undefined;
  const unchanged = patch !== undefined && Object.keys(patch).length === 0;
  useWatch(form.symbol && form.symbol !== "USD" ? [form.symbol] : []);
  const quote = useLive((s) => s.quotes[form.symbol]);
  const idPrefix = transaction ? "tx-edit" : "tx";

  useEffect(() => {
    if (transaction) first.current?.focus(); // correcting: straight to the form
  }, [transaction]);

  function change(next: Partial<TxForm>, ...fields: TxField[]) {
    setForm((f) => {
      const merged = { ...f, ...next };
      if (next.symbol && isCash(next.symbol) && !f.price.trim()) merged.price = "1"; // cash: 1 USD per unit
      return merged;
    });
    errors.edited(...fields);
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    errors.submitted();
    if (invalid) return;
    if (transaction) {
      if (!patch || unchanged) return;
      correct.mutate(
        { transactionId: transaction.transactionId, patch },
        {
          onSuccess: (saved) => {
            useUi.getState().toast({ kind: "success", title: `Transaction #${saved.transactionId} corrected` });
            onDone(saved);
          },
        },
      );
      return;
    }
    add.mutate(toTransactionIn(form), {
      onSuccess: (saved) => {
        useUi.getState().toast({ kind: "success", title: `Transaction #${saved.transactionId} recorded`, body: `${saved.kind} ${saved.quantity} ${saved.symbol}` });
        setForm((f) => ({ ...emptyTx(), kind: f.kind, symbol: f.symbol, executedAt: f.executedAt }));
        onDone(saved);
      },
    });
  }

  const field = (name: TxField) => {
    const id = `${idPrefix}-${name}`;
    return { id, ...(errors.of(name) ? { "aria-invalid": true as const, "aria-describedby": `${id}-error` } : {}) };
  };
  const options = [...(symbols.data ?? []).map((a) => a.symbol), ...CASH.filter((c) => !(symbols.data ?? []).some((a) => a.symbol === c))];
  const kindHint = KINDS.find((k) => k.value === form.kind)?.hint;

  return (
    <Card title={transaction ? `Correct transaction #${transaction.transactionId}` : "Record a transaction"}>
      <form className="stack" onSubmit={submit} noValidate aria-label={transaction ? `Correct transaction ${transaction.transactionId}` : "Record a transaction"}>
        <div className="pf-form-grid">
          <Field label="Kind" htmlFor={`${idPrefix}-kind`} error={errors.of("kind")} hint={kindHint}>
            <select {...field("kind")} ref={first} value={form.kind} onChange={(e) => change({ kind: e.target.value as Kind }, "kind")}>
              {KINDS.map((k) => (
                <option key={k.value} value={k.value}>
                  {k.label} ({k.value})
                </option>
              ))}
            </select>
          </Field>
          <Field label="Symbol" htmlFor={`${idPrefix}-symbol`} error={errors.of("symbol")} hint={isCash(form.symbol) ? "Cash" : undefined}>
            <select {...field("symbol")} value={form.symbol} onChange={(e) => change({ symbol: e.target.value }, "symbol")}>
              {options.includes(form.symbol) ? null : <option value={form.symbol}>{form.symbol}</option>}
              {options.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Quantity" htmlFor={`${idPrefix}-quantity`} error={errors.of("quantity")}>
            <input {...field("quantity")} inputMode="decimal" value={form.quantity} onChange={(e) => change({ quantity: e.target.value }, "quantity")} />
          </Field>
          <Field
            label="Price (USD per unit)"
            htmlFor={`${idPrefix}-price`}
            error={errors.of("price")}
            hint={quote && !isCash(form.symbol) ? `Now ${formatPrice(quote.price)}` : isCash(form.symbol) ? "1 for USD" : undefined}
          >
            <input {...field("price")} inputMode="decimal" value={form.price} onChange={(e) => change({ price: e.target.value }, "price")} />
          </Field>
          <Field label="Fee (USD)" htmlFor={`${idPrefix}-fee`} error={errors.of("fee")} hint="Optional">
            <input {...field("fee")} inputMode="decimal" value={form.fee} onChange={(e) => change({ fee: e.target.value }, "fee")} />
          </Field>
          <Field label="Executed at (UTC)" htmlFor={`${idPrefix}-executedAt`} error={errors.of("executedAt")}>
            <input
              {...field("executedAt")}
              type="datetime-local"
              value={form.executedAt}
              onChange={(e) => change({ executedAt: e.target.value }, "executedAt")}
            />
          </Field>
          <Field
            label="External id"
            htmlFor={`${idPrefix}-externalId`}
            error={errors.of("externalId")}
            hint={transaction ? "Fixed once recorded" : "Optional: the exchange's id; a second one is refused"}
          >
            <input
              {...field("externalId")}
              value={form.externalId}
              maxLength={100}
              disabled={Boolean(transaction)}
              onChange={(e) => change({ externalId: e.target.value }, "externalId")}
            />
          </Field>
          <Field label="Note" htmlFor={`${idPrefix}-note`} error={errors.of("note")} hint="Optional">
            <input {...field("note")} value={form.note} maxLength={500} onChange={(e) => change({ note: e.target.value }, "note")} />
          </Field>
        </div>
        {formError ? (
          <p className="form-error" role="alert">
            {formError}
          </p>
        ) : null}
        <div className="row pf-submit">
          <button type="submit" className="primary" disabled={invalid || unchanged || save.isPending} aria-describedby={invalid ? `${idPrefix}-pending` : undefined}>
            {transaction ? (correct.isPending ? "Saving…" : "Save correction") : add.isPending ? "Recording…" : "Record transaction"}
          </button>
          {onCancel ? (
            <button type="button" onClick={onCancel}>
              Cancel
            </button>
          ) : null}
          {invalid ? (
            <span className="muted" id={`${idPrefix}-pending`}>
              Not yet: {Object.values(problems).join("; ")}
            </span>
          ) : unchanged ? (
            <span className="muted">No changes yet</span>
          ) : null}
        </div>
      </form>
    </Card>
  );
}
