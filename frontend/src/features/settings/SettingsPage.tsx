import { QueryView } from "@/components/QueryView";
import { Card, EmptyState, Page, Skeleton } from "@/components/ui";
import { ChannelsForm } from "./ChannelsForm";
import { ProfileForm } from "./ProfileForm";
import { ThemeSwitch } from "./ThemeSwitch";
import { useMe } from "./useMe";
import "./settings.css";

/** Profile, notification channels (with tests) and the theme. */
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
