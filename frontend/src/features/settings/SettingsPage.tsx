import { lazy, Suspense } from "react";
import { Navigate, Route, Routes, useLocation } from "react-router-dom";
import { subTabLabel, TabNav } from "@/components/TabNav";
import { QueryView } from "@/components/QueryView";
import { Card, EmptyState, Page, Skeleton } from "@/components/ui";
import { ChannelsForm } from "./ChannelsForm";
import { DigestForm } from "./DigestForm";
import { InterestsForm } from "./InterestsForm";
import { LearningLevelForm } from "./LearningLevelForm";
import { ProfileForm } from "./ProfileForm";
import { RiskProfileForm } from "./RiskProfileForm";
import { ThemeSwitch } from "./ThemeSwitch";
import { TimeZoneForm } from "./TimeZoneForm";
import { useMe } from "@/api/me";
import { WatchlistForm } from "./WatchlistForm";
import "./settings.css";

const SecurityPage = lazy(() => import("./security/SecurityPage"));

const TABS = [
  { to: "/settings", label: "General", end: true },
  { to: "/settings/security", label: "Security", end: false },
] as const;

/** Settings, two tabs: General (/settings) and Security (/settings/security: two-factor sign-in, sessions, API keys,
 * the security log). */
export default function SettingsPage() {
  const { pathname } = useLocation();
  const view = subTabLabel(TABS, pathname);
  return (
    <Page title="Settings" view={view}>
      <TabNav label="Settings sections" tabs={TABS} />
      <Routes>
        <Route index element={<GeneralSettings />} />
        <Route
          path="security"
          element={
            <Suspense fallback={<Skeleton lines={6} />}>
              <SecurityPage />
            </Suspense>
          }
        />
        <Route path="*" element={<Navigate to="/settings" replace />} />
      </Routes>
    </Page>
  );
}

/** Profile, the theme, the time zone, risk profile, the daily digest and learning level, interests, watchlist and
 * notification channels (with tests). */
function GeneralSettings() {
  const me = useMe();
  return (
    <QueryView
      query={me}
      loading={
        <Card>
          <Skeleton lines={6} />
        </Card>
      }
      error={(error) => (
        <Card>
          <EmptyState title="Could not load your settings">{error.message}</EmptyState>
        </Card>
      )}
    >
      {(user) => (
        <div className="settings-grid">
          <Card title="Profile">
            <ProfileForm key={user.displayName ?? ""} me={user} />
          </Card>
          <div className="settings-column">
            <Card title="Appearance">
              <ThemeSwitch />
            </Card>
            <Card title="Time zone">
              <TimeZoneForm key={user.preferences.timezone} saved={user.preferences.timezone} />
            </Card>
          </div>
          <Card title="Risk profile">
            <RiskProfileForm key={user.preferences.riskProfile ?? ""} saved={user.preferences.riskProfile} />
          </Card>
          <div className="settings-column">
            <Card title="Daily digest">
              <DigestForm
                key={JSON.stringify(user.preferences.digest) + user.preferences.timezone}
                saved={user.preferences.digest}
                zone={user.preferences.timezone}
              />
            </Card>
            <Card title="Learning level">
              <LearningLevelForm key={user.preferences.learningLevel ?? ""} saved={user.preferences.learningLevel} />
            </Card>
          </div>
          <div className="settings-span-2">
            <Card title="Interests">
              <InterestsForm key={user.preferences.interests.join("\n")} saved={user.preferences.interests} />
            </Card>
          </div>
          <div className="settings-span-2">
            <Card title="Watchlist">
              <WatchlistForm key={user.preferences.watchlist.join(",")} saved={user.preferences.watchlist} />
            </Card>
          </div>
          <div className="settings-wide">
            <Card title="Notification channels">
              <ChannelsForm key={JSON.stringify(user.preferences.channels)} saved={user.preferences.channels} />
            </Card>
          </div>
        </div>
      )}
    </QueryView>
  );
}
