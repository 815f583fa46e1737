import { Page } from "@/components/ui";

export default function ResearchPage() {
  return <Page title="ResearchPage">Coming in this issue.</Page>;
}
