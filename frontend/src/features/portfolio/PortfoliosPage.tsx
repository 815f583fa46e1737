import { Navigate, Route, Routes } from "react-router-dom";
import { Page } from "@/components/ui";
import { PortfolioForm } from "./PortfolioForm";
import { PortfolioList } from "./PortfolioList";
import { PortfolioView } from "./PortfolioView";
import "./portfolio.css";

/** Portfolios: the list, the create form, and each portfolio's dashboard, transactions, optimiser and settings. */
export default function PortfoliosPage() {
  return (
    <Routes>
      <Route index element={<PortfolioList />} />
      <Route
        path="new"
        element={
          <Page title="New portfolio" section="Portfolios">
            <PortfolioForm />
          </Page>
        }
      />
      <Route path=":portfolioId/*" element={<PortfolioView />} />
      <Route path="*" element={<Navigate to="/portfolios" replace />} />
    </Routes>
  );
}
