import { useState } from "react";
import { Link, matchPath, Navigate, NavLink, Route, Routes, useLocation, useNavigate, useParams } from "react-router-dom";
import { ConfirmButton } from "@/components/ConfirmButton";
import { QueryView } from "@/components/QueryView";
import { Card, EmptyState, Page, Skeleton } from "@/components/ui";
import { useUi } from "@/stores/ui";
import { useDeletePortfolio, usePortfolio } from "./hooks";
import { OptimisePanel } from "./OptimisePanel";
import { Overview } from "./Overview";
import { PortfolioForm } from "./PortfolioForm";
import { RiskAlerts } from "./RiskAlerts";
import { Transactions } from "./Transactions";
import type { Portfolio } from "./types";

const TABS = [
  { path: "", label: "Overview" },
  { path: "transactions", label: "Transactions" },
  { path: "optimise", label: "Optimise" },
  { path: "settings", label: "Settings" },
] as const;

function DeletePortfolio({ portfolio }: { portfolio: Portfolio }) {
  const navigate = useNavigate();
  const remove = useDeletePortfolio(portfolio.portfolioId);
  const [asking, setAsking] = useState(false);
  return (
    <Card title="Delete this portfolio">
      <div className="row pf-delete">
        <p className="muted">Deletes the portfolio with its {portfolio.positions.length ? "holdings, " : ""}transactions and risk alerts. It cannot be undone.</p>
        <ConfirmButton
          label={`Delete the portfolio ${portfolio.name}`}
          confirmText="Yes, delete it"
          cancelText="Keep it"
          autoFocus
          disabled={remove.isPending}
          asking={asking}
          onAskingChange={setAsking}
          onConfirm={() =>
            remove.mutate(undefined, {
              onSuccess: () => {
                useUi.getState().toast({ kind: "success", title: `Portfolio “${portfolio.name}” deleted` });
                void navigate("/portfolios", { state: { deletedPortfolio: portfolio.portfolioId } });
              },
              onSettled: () => setAsking(false),
            })
          }
        >
          Delete portfolio
        </ConfirmButton>
      </div>
    </Card>
  );
}

function Loaded({ portfolio }: { portfolio: Portfolio }) {
  const { pathname } = useLocation();
  const base = `/portfolios/${portfolio.portfolioId}`;
  const view = TABS.find((tab) => tab.path && matchPath({ path: `${base}/${tab.path}`, end: false }, pathname))?.label ?? "Overview";
  return (
    <Page
      title={portfolio.name}
      view={view}
      section="Portfolios"
      actions={
        <Link to="/portfolios" className="pf-back">
          ← All portfolios
        </Link>
      }
    >
      <nav className="tabs" aria-label="Portfolio views">
        {TABS.map((tab) => (
          <NavLink key={tab.path} to={tab.path ? `${base}/${tab.path}` : base} end={!tab.path}>
            {tab.label}
          </NavLink>
        ))}
      </nav>
      <Routes>
        <Route index element={<Overview portfolio={portfolio} />} />
        <Route path="transactions" element={<Transactions portfolio={portfolio} />} />
        <Route path="optimise" element={<OptimisePanel portfolio={portfolio} />} />
        <Route
          path="settings"
          element={
            <div className="stack">
              <PortfolioForm key={`${portfolio.portfolioId}-${portfolio.updatedAt ?? ""}`} portfolio={portfolio} />
              <RiskAlerts portfolio={portfolio} />
              <DeletePortfolio portfolio={portfolio} />
            </div>
          }
        />
        <Route path="*" element={<Navigate to={base} replace />} />
      </Routes>
    </Page>
  );
}

/** /portfolios/:portfolioId/*: one portfolio, its views as tabs under its name. */
export function PortfolioView() {
  const id = Number(useParams().portfolioId);
  const valid = Number.isSafeInteger(id) && id > 0;
  const portfolio = usePortfolio(valid ? id : 0);
  if (!valid) return <Navigate to="/portfolios" replace />;
  return (
    <QueryView
      query={portfolio}
      loading={<Skeleton lines={8} height={24} />}
      error={(error) => (
        <Page title="Portfolio" section="Portfolios">
          <EmptyState title={`Could not load portfolio #${id}`}>
            <p>{error.message}</p>
            <p>
              <button type="button" onClick={() => void portfolio.refetch()}>
                Try again
              </button>{" "}
              <Link to="/portfolios">Back to your portfolios</Link>
            </p>
          </EmptyState>
        </Page>
      )}
    >
      {(loaded) => <Loaded portfolio={loaded} />}
    </QueryView>
  );
}
