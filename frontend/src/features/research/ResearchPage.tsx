import { matchPath, Navigate, NavLink, Route, Routes, useLocation } from "react-router-dom";
import { Page } from "@/components/ui";
import AssetResearch from "./asset/AssetResearch";
import BacktestPanel from "./backtest/BacktestPanel";
import DataExplorer from "./data/DataExplorer";
import IndicatorBuilder from "./indicators/IndicatorBuilder";
import "./research.css";

const TABS = [
  { path: "data", label: "Data explorer" },
  { path: "indicators", label: "Indicator builder" },
  { path: "backtest", label: "Backtests" },
  { path: "asset", label: "Asset research" },
] as const;

/** Research: historical data, custom indicators, strategy backtests and asset research (fundamentals, on-chain,
 * sentiment), one tab each (/research/<tab>). */
export default function ResearchPage() {
  const { pathname } = useLocation();
  const view = TABS.find((tab) => matchPath({ path: `/research/${tab.path}`, end: false }, pathname))?.label;
  return (
    <Page title="Research" view={view}>
      <nav className="tabs" aria-label="Research sections">
        {TABS.map((tab) => (
          <NavLink key={tab.path} to={`/research/${tab.path}`}>
            {tab.label}
          </NavLink>
        ))}
      </nav>
      <Routes>
        <Route index element={<Navigate to="/research/data" replace />} />
        <Route path="data" element={<DataExplorer />} />
        <Route path="indicators" element={<IndicatorBuilder />} />
        <Route path="backtest" element={<BacktestPanel />} />
        <Route path="asset" element={<AssetResearch />} />
        <Route path="*" element={<Navigate to="/research/data" replace />} />
      </Routes>
    </Page>
  );
}
