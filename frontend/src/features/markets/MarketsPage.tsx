import { Page } from "@/components/ui";

export default function MarketsPage() {
  return <Page title="MarketsPage">Coming in this issue.</Page>;
}
