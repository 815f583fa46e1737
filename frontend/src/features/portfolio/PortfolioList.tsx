import { useEffect, useMemo, useRef } from "react";
import { Link, useLocation } from "react-router-dom";
import { QueryView } from "@/components/QueryView";
import { DataTable, type Column } from "@/components/table/DataTable";
import { Card, EmptyState, Page, Skeleton } from "@/components/ui";
import { formatTime } from "@/lib/format";
import { useLive } from "@/realtime/socket";
import { DriftBadge, Pnl } from "./bits";
import { money, signedMoney, tone } from "./format";
import { usePortfolios } from "./hooks";
import { revalue, useWatch, watchedSymbols, type LiveValuation } from "./live";
import { RISK_PROFILES, type Portfolio } from "./types";

interface Row {
  portfolio: Portfolio;
  live: LiveValuation;
}

export const CREATE_LINK = "create-portfolio";
const rowId = (id: number) => `portfolio-${id}`;

const profileLabel = (value: string) => RISK_PROFILES.find((r) => r.value === value)?.label ?? value;

function columns(showDay: boolean): Column<Row>[] {
  const all: (Column<Row> | false)[] = [
    {
      key: "name",
      label: "Portfolio",
      rowHeader: true,
      cell: ({ portfolio }) => (
        <Link to={`/portfolios/${portfolio.portfolioId}`} className="pf-name">
          {portfolio.name}
        </Link>
      ),
      sortValue: ({ portfolio }) => portfolio.name,
    },
    { key: "profile", label: "Risk", cell: ({ portfolio }) => profileLabel(portfolio.riskProfile), sortValue: ({ portfolio }) => portfolio.riskProfile, priority: 3 },
    {
      key: "value",
      label: "Value (USD)",
      align: "end",
      cell: ({ live }) => money(live.totalValue),
      sortValue: ({ live }) => live.totalValue,
      cellProps: () => ({ "data-testid": "portfolio-value" }),
    },
    showDay && {
      key: "day",
      label: "Day change",
      align: "end",
      cell: ({ live, portfolio }) => <DayChange live={live.dayChange} sinceClose={portfolio.dayChange} />,
      sortValue: ({ live, portfolio }) => live.dayChange ?? portfolio.dayChange,
      priority: 2,
    },
    {
      key: "pnl",
      label: "P&L",
      align: "end",
      cell: ({ live }) => <Pnl value={live.totalPnL} fraction={live.netInvested > 0 ? live.totalPnL / live.netInvested : null} />,
      sortValue: ({ live }) => live.totalPnL,
      cellProps: () => ({ "data-testid": "portfolio-pnl" }),
    },
    {
      key: "drift",
      label: "Drift",
      cell: ({ portfolio }) => (
        <DriftBadge
          needed={portfolio.rebalancingNeeded}
          hasTargets={Object.keys(portfolio.targetAllocations).length > 0}
          maxDeviation={portfolio.maxDeviation}
          band={portfolio.band}
        />
      ),
      sortValue: ({ portfolio }) => portfolio.maxDeviation,
    },
    { key: "holdings", label: "Holdings", align: "end", cell: ({ portfolio }) => portfolio.positions.length, sortValue: ({ portfolio }) => portfolio.positions.length, priority: 3 },
    {
      key: "updated",
      label: "Updated",
      cell: ({ portfolio }) => formatTime(portfolio.updatedAt ?? portfolio.createdAt),
      sortValue: ({ portfolio }) => portfolio.updatedAt ?? portfolio.createdAt,
      cellProps: () => ({ className: "muted" }),
      priority: 2,
    },
  ];
  return all.filter((c): c is Column<Row> => c !== false);
}

/** The live quotes' 24 h change of the holdings, else the API's change since the last daily close (UTC). */
function DayChange({ live, sinceClose }: { live: number | null; sinceClose: number | null }) {
  if (live !== null) return <span className={tone(live)}>{signedMoney(live)}</span>;
  if (sinceClose === null) return <span className="muted">no quote</span>;
  return (
    <span className={tone(sinceClose)} title="Since the last daily close (UTC)">
      {signedMoney(sinceClose)} <small className="muted">since close</small>
    </span>
  );
}

/** After a portfolio is deleted (its id in the navigation's state), focus goes to the first one left, or the create link. */
function useFocusAfterDelete(rows: Row[] | undefined) {
  const deleted = (useLocation().state as { deletedPortfolio?: number } | null)?.deletedPortfolio;
  const done = useRef<number | null>(null);
  useEffect(() => {
    if (!deleted || done.current === deleted || rows === undefined) return;
    done.current = deleted;
    const first = rows[0];
    (first ? document.getElementById(rowId(first.portfolio.portfolioId)) : document.getElementById(CREATE_LINK))?.focus();
  }, [deleted, rows]);
}

const CreateLink = ({ id }: { id?: string }) => (
  <Link to="/portfolios/new" className="pf-button-link primary" id={id}>
    Create a portfolio
  </Link>
);

/** /portfolios: each portfolio at the live prices, its P&L and whether it has drifted from its targets. */
export function PortfolioList() {
  const portfolios = usePortfolios();
  const quotes = useLive((s) => s.quotes);
  useWatch(useMemo(() => watchedSymbols(portfolios.data ?? []), [portfolios.data]));
  const rows = useMemo(() => portfolios.data?.map((portfolio) => ({ portfolio, live: revalue(portfolio, quotes) })), [portfolios.data, quotes]);
  useFocusAfterDelete(rows);
  const showDay = Boolean(rows?.some((r) => r.live.dayChange !== null || r.portfolio.dayChange !== null));
  const total = rows?.reduce((sum, r) => sum + r.live.totalValue, 0) ?? 0;

  return (
    <Page title="Portfolios" actions={rows?.length ? <CreateLink id={CREATE_LINK} /> : null}>
      <Card
        title="Your portfolios"
        actions={
          rows?.length ? (
            <p className="muted pf-counts" data-testid="portfolio-counts">
              {rows.length} {rows.length === 1 ? "portfolio" : "portfolios"} · <strong>{money(total)}</strong> USD in all
            </p>
          ) : null
        }
      >
        <QueryView
          query={portfolios}
          loading={<Skeleton lines={3} height={28} />}
          error="Could not load your portfolios"
          isEmpty={(list) => list.length === 0}
          empty={
            <EmptyState title="No portfolios yet">
              <p>
                A portfolio tracks what you hold from the transactions you record (buys, sells, deposits…, or a CSV import): its value at live
                prices, its P&L, risk and performance, and how far it has drifted from the target weights you set.
              </p>
              <p>
                <CreateLink id={CREATE_LINK} />
              </p>
            </EmptyState>
          }
        >
          {() => (
            <DataTable
              columns={columns(showDay)}
              rows={rows ?? []}
              rowKey={(r) => r.portfolio.portfolioId}
              label="Your portfolios"
              testId="portfolio-table"
              cards
              rowProps={(r) => ({ id: rowId(r.portfolio.portfolioId), tabIndex: -1, "data-testid": `portfolio-row-${r.portfolio.portfolioId}` })}
            />
          )}
        </QueryView>
      </Card>
    </Page>
  );
}
