import { Page } from "@/components/ui";

export default function AnalysisPage() {
  return <Page title="AnalysisPage">Coming in this issue.</Page>;
}
