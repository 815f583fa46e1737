import { QueryView } from "@/components/QueryView";
import { Card, EmptyState, Page, Skeleton } from "@/components/ui";
import { ChannelsForm } from "./ChannelsForm";
import { ProfileForm } from "./ProfileForm";
import { SignOutEverywhere } from "./SignOutEverywhere";
import { ThemeSwitch } from "./ThemeSwitch";
import { useMe } from "./useMe";
import "./settings.css";

/** Profile, notification channels (with tests), the theme and signing out everywhere. */
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
            <Card title="Appearance">
              <ThemeSwitch />
            </Card>
            <Card title="Sessions">
              <SignOutEverywhere />
            </Card>
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
