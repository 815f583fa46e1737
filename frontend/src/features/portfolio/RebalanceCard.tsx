import { useState, type FormEvent } from "react";
import { Link } from "react-router-dom";
import { DataTable, type Column } from "@/components/table/DataTable";
import { Card, EmptyState, Field, Skeleton } from "@/components/ui";
import type { RebalanceParams } from "./api";
import { money, percent, quantity } from "./format";
import { useRebalance } from "./hooks";
import type { Portfolio, Trade } from "./types";

const COLUMNS: Column<Trade>[] = [
  { key: "side", label: "Side", cell: (t) => <span className={`pf-side pf-side-${t.side}`}>{t.side === "BUY" ? "Buy" : "Sell"}</span>, sortValue: (t) => t.side },
  { key: "symbol", label: "Symbol", rowHeader: true, cell: (t) => t.symbol, sortValue: (t) => t.symbol },
  { key: "quantity", label: "Quantity", align: "end", cell: (t) => quantity(t.quantity), sortValue: (t) => t.quantity },
  { key: "notional", label: "Notional (USD)", align: "end", cell: (t) => money(t.notional), sortValue: (t) => t.notional },
  { key: "reason", label: "Why", cell: (t) => t.reason, cellProps: () => ({ className: "pf-reason-cell" }) },
];

/** Text fields of the advice's parameters: blank means the API's default. */
interface Draft {
  minTrade: string;
  feeRate: string;
  turnoverCap: string;
}

const number = (text: string) => (text.trim() === "" ? undefined : Number(text.replace(",", ".")));

function toParams(draft: Draft): RebalanceParams | string {
  const minTrade = number(draft.minTrade);
  const feeRate = number(draft.feeRate);
  const cap = number(draft.turnoverCap);
  if (minTrade !== undefined && !(minTrade >= 0)) return "The smallest trade is an amount of 0 or more";
  if (feeRate !== undefined && !(feeRate >= 0 && feeRate < 10)) return "The fee is a percent from 0 to below 10";
  if (cap !== undefined && !(cap > 0 && cap <= 100)) return "The turnover cap is a percent above 0, at most 100";
  return { minTrade, feeRate: feeRate === undefined ? undefined : feeRate / 100, turnoverCap: cap === undefined ? undefined : cap / 100 };
}

/** Advisory trades that bring the weights back to the targets at the latest prices: nothing is traded. */
export function RebalanceCard({ portfolio }: { portfolio: Portfolio }) {
  const hasTargets = Object.keys(portfolio.targetAllocations).length > 0;
  const [draft, setDraft] = useState<Draft>({ minTrade: "", feeRate: "", turnoverCap: "" });
  const [params, setParams] = useState<RebalanceParams>({});
  const [problem, setProblem] = useState<string>();
  const advice = useRebalance(portfolio.portfolioId, params, hasTargets && portfolio.positions.length > 0);

  function submit(event: FormEvent) {
    event.preventDefault();
    const next = toParams(draft);
    if (typeof next === "string") return setProblem(next);
    setProblem(undefined);
    setParams(next);
  }

  let body;
  if (!hasTargets) {
    body = (
      <EmptyState title="No targets to rebalance to">
        <Link to={`/portfolios/${portfolio.portfolioId}/settings`}>Set target weights</Link>
      </EmptyState>
    );
  } else if (portfolio.positions.length === 0) {
    body = <p className="muted pf-inline-empty">No holdings: nothing to rebalance yet.</p>;
  } else if (advice.isPending) {
    body = <Skeleton lines={3} />;
  } else if (advice.isError) {
    body = (
      <p className="pf-note-warn" role="status" data-testid="rebalance-error">
        No advice: {advice.error.message}.
      </p>
    );
  } else {
    const plan = advice.data;
    body = (
      <div className="stack" data-testid="rebalance">
        {plan.trades.length ? (
          <DataTable columns={COLUMNS} rows={plan.trades} rowKey={(t) => `${t.side}-${t.symbol}`} label="Suggested trades" testId="rebalance-trades" maxHeight="none" cards />
        ) : (
          <p className="pf-inline-empty">
            {plan.rebalancingNeeded ? "Rebalancing is due, but no trade clears the smallest trade size." : `No trade needed: every weight is within ±${percent(plan.band)} of its target.`}
          </p>
        )}
        <p className="muted pf-footnote">
          Turnover {percent(plan.turnover, 2)} of the value · fees about {money(plan.fees)} USD
          {Object.keys(plan.weightsAfter).length
            ? ` · after: ${Object.entries(plan.weightsAfter)
                .map(([symbol, w]) => `${symbol} ${percent(w)}`)
                .join(", ")}`
            : ""}
        </p>
        {plan.skipped.length ? (
          <ul className="pf-list muted" aria-label="Left out">
            {plan.skipped.map((s) => (
              <li key={s}>{s}</li>
            ))}
          </ul>
        ) : null}
      </div>
    );
  }

  return (
    <Card title="Rebalancing advice">
      <div className="stack">
        <p className="muted pf-footnote">Advice only: nothing is traded. Record the trades you make in Transactions.</p>
        {body}
        {hasTargets && portfolio.positions.length ? (
          <details className="pf-details">
            <summary>Trade size, fees and turnover</summary>
            <form className="row pf-advice-form" onSubmit={submit} aria-label="Rebalancing parameters">
              <Field label="Smallest trade (USD)" htmlFor="rb-min" hint="Default 10">
                <input id="rb-min" inputMode="decimal" value={draft.minTrade} onChange={(e) => setDraft({ ...draft, minTrade: e.target.value })} />
              </Field>
              <Field label="Fee (%)" htmlFor="rb-fee" hint="Default 0.1">
                <input id="rb-fee" inputMode="decimal" value={draft.feeRate} onChange={(e) => setDraft({ ...draft, feeRate: e.target.value })} />
              </Field>
              <Field label="Turnover cap (%)" htmlFor="rb-cap" hint="Optional">
                <input id="rb-cap" inputMode="decimal" value={draft.turnoverCap} onChange={(e) => setDraft({ ...draft, turnoverCap: e.target.value })} />
              </Field>
              <button type="submit">Update advice</button>
              {problem ? (
                <span className="field-error" role="alert">
                  {problem}
                </span>
              ) : null}
            </form>
          </details>
        ) : null}
      </div>
    </Card>
  );
}
