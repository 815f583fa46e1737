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
      {me.isPending ? (
        <Card>
          <Skeleton lines={6} />
        </Card>
      ) : me.isError ? (
        <Card>
          <EmptyState title="Could not load your settings">{me.error.message}</EmptyState>
        </Card>
      ) : (
        <div className="settings-grid">
          <Card title="Profile">
            <ProfileForm key={me.data.displayName ?? ""} me={me.data} />
          </Card>
          <Card title="Appearance">
            <ThemeSwitch />
          </Card>
          <div className="settings-wide">
            <Card title="Notification channels">
              <ChannelsForm key={JSON.stringify(me.data.preferences.channels)} saved={me.data.preferences.channels} />
            </Card>
          </div>
        </div>
      )}
    </Page>
  );
}
