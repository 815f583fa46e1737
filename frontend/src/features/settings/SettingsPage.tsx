import { Page } from "@/components/ui";

export default function SettingsPage() {
  return <Page title="SettingsPage">Coming in this issue.</Page>;
}
