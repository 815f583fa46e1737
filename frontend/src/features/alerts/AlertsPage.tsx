import { Page } from "@/components/ui";

export default function AlertsPage() {
  return <Page title="AlertsPage">Coming in this issue.</Page>;
}
