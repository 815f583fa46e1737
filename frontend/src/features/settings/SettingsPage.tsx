import { QueryView } from "@/components/QueryView";
import { Card, EmptyState, Page, Skeleton } from "@/components/ui";
import { ChannelsForm } from "./ChannelsForm";
import { DigestForm } from "./DigestForm";
import { InterestsForm } from "./InterestsForm";
import { LearningLevelForm } from "./LearningLevelForm";
import { ProfileForm } from "./ProfileForm";
import { RiskProfileForm } from "./RiskProfileForm";
import { SignOutEverywhere } from "./SignOutEverywhere";
import { ThemeSwitch } from "./ThemeSwitch";
import { TimeZoneForm } from "./TimeZoneForm";
import { useMe } from "@/api/me";
import { WatchlistForm } from "./WatchlistForm";
import "./settings.css";

/** Profile, the theme, the time zone, signing out everywhere, risk profile, the daily digest and learning level, interests,
 * watchlist and notification channels (with tests). */
export default function SettingsPage() {
  const me = useMe();
  return (
    <Page title="Settings">
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
            <Card title="Sessions">
              <SignOutEverywhere />
            </Card>
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
    </Page>
  );
}
