import { useIndicatorCatalog } from "@/api/indicators";
import { useSymbols } from "@/api/symbols";
import { Card, EmptyState, Page, Skeleton } from "@/components/ui";
import { TechnicalForm } from "./TechnicalForm";
import { TimeframeResults } from "./TimeframeResults";
import { useTechnicalAnalysis } from "./useTechnicalAnalysis";
import "./analysis.css";

/** Technical analysis: indicators on several timeframes, their signals and the server's chart. */
export default function AnalysisPage() {
  const assets = useSymbols();
  const catalog = useIndicatorCatalog();
  const analysis = useTechnicalAnalysis();

  return (
    <Page title="Technical analysis">
      <Card>
        {assets.data && catalog.data ? (
          <TechnicalForm
            assets={assets.data}
            catalog={catalog.data.indicators}
            busy={analysis.isPending}
            error={analysis.error}
            onSubmit={(request) => analysis.mutate(request)}
          />
        ) : assets.isError || catalog.isError ? (
          <EmptyState title="Could not load the symbols or the indicator catalog">
            {(assets.error ?? catalog.error)?.message}
          </EmptyState>
        ) : (
          <Skeleton lines={5} />
        )}
      </Card>
      {analysis.isPending ? (
        <Card>
          <Skeleton lines={8} />
        </Card>
      ) : analysis.data ? (
        <TimeframeResults key={analysis.data.timestamp} result={analysis.data} patternBars={analysis.variables?.patternBars ?? 0} />
      ) : null}
    </Page>
  );
}
