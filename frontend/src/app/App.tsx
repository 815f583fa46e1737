import { useQueryClient } from "@tanstack/react-query";
import { lazy, Suspense, useEffect } from "react";
import { Navigate, NavLink, Outlet, Route, Routes, useNavigate } from "react-router-dom";
import { api } from "@/api/client";
import { Skeleton } from "@/components/ui";
import { Toasts } from "@/components/Toasts";
import AuthPage from "@/features/auth/AuthPage";
import { updatedKeys } from "@/features/portfolio/api";
import { useApplySavedTheme, useSaveTheme } from "@/features/settings/useTheme";
import { alertToast } from "@/realtime/alertToast";
import { reportOf, reportToaster } from "@/realtime/reportToast";
import { onUserEvent, startRealtime, stopRealtime, useLive } from "@/realtime/socket";
import { useAuth } from "@/stores/auth";
import { useUi } from "@/stores/ui";

const MarketsPage = lazy(() => import("@/features/markets/MarketsPage"));
const AlertsPage = lazy(() => import("@/features/alerts/AlertsPage"));
const PortfoliosPage = lazy(() => import("@/features/portfolio/PortfoliosPage"));
const AnalysisPage = lazy(() => import("@/features/analysis/AnalysisPage"));
const ResearchPage = lazy(() => import("@/features/research/ResearchPage"));
const ReportsPage = lazy(() => import("@/features/reports/ReportsPage"));
const SettingsPage = lazy(() => import("@/features/settings/SettingsPage"));
const DailyDigest = lazy(() => import("@/features/content/DailyDigest"));
const NewsFeed = lazy(() => import("@/features/content/NewsFeed"));
const LearnPage = lazy(() => import("@/features/content/LearnPage"));
const CommunityPage = lazy(() => import("@/features/community/CommunityPage"));
const AgentPage = lazy(() => import("@/features/agent/AgentPage"));

/** Live user events wherever the user is: a toast and the inbox badge for each trigger; a portfolio's views
 * refreshed on each PORTFOLIO_UPDATE (a transaction, a price move); a toast when a report is ready or failed. */
function useLiveEvents() {
  const queryClient = useQueryClient();
  useEffect(() => {
    startRealtime();
    const reportToast = reportToaster();
    const off = onUserEvent((event) => {
      if (reportOf(event)) {
        // The Reports screen refreshes itself on the event (src/features/reports/api.ts).
        const toast = reportToast(event);
        if (toast) useUi.getState().toast(toast);
        return;
      }
      if (event.type === "PORTFOLIO_UPDATE") {
        const id = Number(event.portfolioId);
        const keys = Number.isSafeInteger(id) ? updatedKeys(id) : [["portfolios"]];
        keys.forEach((queryKey) => void queryClient.invalidateQueries({ queryKey }));
        return;
      }
      if (event.type !== "ALERT_TRIGGERED") return;
      const { toast, addUnread } = useUi.getState();
      toast(alertToast(event));
      addUnread();
      void queryClient.invalidateQueries({ queryKey: ["alerts"] });
      void queryClient.invalidateQueries({ queryKey: ["notifications"] });
      const portfolioId = Number(event.portfolioId);
      if (Number.isSafeInteger(portfolioId)) updatedKeys(portfolioId).forEach((queryKey) => void queryClient.invalidateQueries({ queryKey }));
    });
    return () => {
      off();
      stopRealtime();
    };
  }, [queryClient]);
}

/** The first stop on every screen: straight to the content, past the navigation. */
function SkipLink({ target }: { target: string }) {
  return (
    <a
      className="skip-link"
      href={`#${target}`}
      onClick={(event) => {
        event.preventDefault(); // focus, without a #hash in the router's URL
        const main = document.getElementById(target);
        main?.focus();
        main?.scrollIntoView();
      }}
    >
      Skip to content
    </a>
  );
}

function Shell() {
  const navigate = useNavigate();
  const signOut = useAuth((s) => s.signOut);
  const user = useAuth((s) => s.user);
  const status = useLive((s) => s.status);
  const { theme, unread, clearUnread } = useUi();
  const saveTheme = useSaveTheme();
  useLiveEvents();
  useApplySavedTheme();

  async function leave() {
    await api.POST("/api/auth/logout").catch(() => undefined);
    signOut();
    void navigate("/signin");
  }

  return (
    <div className="shell">
      <SkipLink target="main" />
      <nav className="nav" aria-label="Main">
        <span className="brand">Cryptomon</span>
        <NavLink to="/" end>
          Markets
        </NavLink>
        <NavLink to="/alerts" onClick={clearUnread}>
          Alerts
          {unread > 0 ? (
            <span className="badge" data-testid="inbox-badge" aria-label={`${unread} new`}>
              {unread}
            </span>
          ) : null}
        </NavLink>
        <NavLink to="/portfolios">Portfolios</NavLink>
        <NavLink to="/analysis">Analysis</NavLink>
        <NavLink to="/research">Research</NavLink>
        <NavLink to="/reports">Reports</NavLink>
        <NavLink to="/digest">Digest</NavLink>
        <NavLink to="/news">News</NavLink>
        <NavLink to="/learn">Learn</NavLink>
        <NavLink to="/community">Community</NavLink>
        <NavLink to="/agent">Assistant</NavLink>
        <NavLink to="/settings">Settings</NavLink>
        <span className="spacer" />
        <span className={`live live-${status}`} title={`Live connection: ${status}`} data-testid="live-status">
          {status === "open" ? "● live" : status === "idle" ? "○ offline" : "◌ connecting"}
        </span>
        <button type="button" className="icon" onClick={() => saveTheme.save(theme === "dark" ? "light" : "dark")} aria-label="Switch theme">
          {theme === "dark" ? "☀" : "☾"}
        </button>
        <span className="muted user" title={user?.email}>
          {user?.email}
        </span>
        <button type="button" onClick={() => void leave()}>
          Sign out
        </button>
      </nav>
      <main className="content" id="main" tabIndex={-1}>
        <Suspense fallback={<Skeleton lines={6} />}>
          <Outlet />
        </Suspense>
      </main>
    </div>
  );
}

function RequireAuth() {
  const tokens = useAuth((s) => s.tokens);
  return tokens ? <Shell /> : <Navigate to="/signin" replace />;
}

export function App() {
  const theme = useUi((s) => s.theme);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  return (
    <>
      <Routes>
        <Route path="/signin" element={<AuthPage mode="signin" />} />
        <Route path="/signup" element={<AuthPage mode="signup" />} />
        <Route element={<RequireAuth />}>
          <Route index element={<MarketsPage />} />
          <Route path="alerts/*" element={<AlertsPage />} />
          <Route path="portfolios/*" element={<PortfoliosPage />} />
          <Route path="analysis" element={<AnalysisPage />} />
          <Route path="research/*" element={<ResearchPage />} />
          <Route path="reports" element={<ReportsPage />} />
          <Route path="digest" element={<DailyDigest />} />
          <Route path="news" element={<NewsFeed />} />
          <Route path="learn/*" element={<LearnPage />} />
          <Route path="community/*" element={<CommunityPage />} />
          <Route path="agent/*" element={<AgentPage />} />
          <Route path="settings/*" element={<SettingsPage />} />
        </Route>
        <Route path="*" element={<Navigate to="/" replace />} />
      </Routes>
      <Toasts />
    </>
  );
}
