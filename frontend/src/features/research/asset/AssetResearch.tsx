import { useEffect, useRef } from "react";
import { useSearchParams } from "react-router-dom";
import { Card, Skeleton } from "@/components/ui";
import { AnalysesList } from "./AnalysesList";
import { SOURCES, useAnalysis, useRunAnalysis, type Analysis } from "./api";
import { AssetForm } from "./AssetForm";
import { FundamentalsCard } from "./FundamentalsCard";
import { OnChainCard } from "./OnChainCard";
import { utcStamp } from "./provenance";
import { RecommendationCard } from "./RecommendationCard";
import { SentimentCard } from "./SentimentCard";
import "./asset.css";

function Results({ analysis, headingRef }: { analysis: Analysis; headingRef: React.RefObject<HTMLHeadingElement | null> }) {
  return (
    <section className="stack" aria-labelledby="asset-result-title" data-testid="asset-result">
      <div className="asset-result-head">
        <h2 id="asset-result-title" tabIndex={-1} ref={headingRef}>
          {analysis.symbol} · {analysis.timeframe}
        </h2>
        <span className="muted">
          {analysis.analysisId}
          {analysis.generatedAt ? ` · generated ${utcStamp(analysis.generatedAt)}` : ""}
        </span>
      </div>
      {analysis.mode === "snapshot" ? (
        <p className="asset-mode" data-testid="snapshot-mode">
          <strong>Snapshot mode:</strong> the figures below come from recordings bundled with Cryptomon, not from the providers today.
          Each card says when its figures were recorded; hover or focus a figure for its source.
        </p>
      ) : null}
      <div className="asset-cards">
        <FundamentalsCard analysis={analysis} />
        <OnChainCard analysis={analysis} />
        <SentimentCard analysis={analysis} />
        {/* Last: its disclaimer speaks of "the figures above". */}
        <RecommendationCard analysis={analysis} />
      </div>
    </section>
  );
}

/** Asset research: fundamentals, on-chain, sentiment and a recommendation for one symbol, each figure with its
 * source; the analysis shown is in the URL (?analysis=), so a previous one reopens from the list or a link. */
export default function AssetResearch() {
  const [params, setParams] = useSearchParams();
  const analysisId = params.get("analysis");
  const heading = useRef<HTMLHeadingElement>(null);
  const focusNext = useRef(false);
  const run = useRunAnalysis((a) => {
    focusNext.current = true;
    setParams(new URLSearchParams({ symbol: a.symbol, timeframe: a.timeframe, analysis: a.analysisId }));
  });
  const shown = useAnalysis(analysisId);
  const data = shown.data;
  const ready = data !== undefined && data.status !== "PENDING";

  useEffect(() => {
    // Focus goes to the result once it is there after an action (a run, a reopen), not on a first load.
    if (ready && focusNext.current) {
      focusNext.current = false;
      heading.current?.focus();
    }
  }, [ready, data?.analysisId]);

  return (
    <div className="stack">
      <div className="asset-top">
        <Card title="Analyse an asset">
          <AssetForm
            initial={{
              symbol: params.get("symbol") ?? "BTC-USD",
              timeframe: params.get("timeframe") ?? "30d",
              sources: SOURCES.map((s) => s.value),
              includeOnChain: true,
              includeSentiment: true,
            }}
            busy={run.isPending || data?.status === "PENDING"}
            error={run.error}
            onSubmit={(request) => run.mutate(request)}
          />
        </Card>
        <Card title="Your analyses">
          <AnalysesList current={analysisId} onOpen={() => (focusNext.current = true)} />
        </Card>
      </div>
      {run.isPending || data?.status === "PENDING" ? (
        <Card>
          <p role="status" data-testid="asset-pending">
            {data?.status === "PENDING"
              ? `Waiting for the providers (${data.symbol}, job ${data.jobId ?? "–"}): the result shows here as soon as it is stored.`
              : "Running the analysis…"}
          </p>
          <Skeleton lines={6} />
        </Card>
      ) : shown.isError ? (
        <Card>
          <p className="form-error" role="alert" data-testid="asset-load-error">
            Could not open analysis {analysisId}: {shown.error.message}
          </p>
        </Card>
      ) : data?.status === "FAILED" ? (
        <Card>
          <p className="form-error" role="alert" data-testid="asset-failed">
            Analysis {data.analysisId} of {data.symbol} failed: {data.error ?? "no reason given"}
          </p>
        </Card>
      ) : data ? (
        <Results analysis={data} headingRef={heading} />
      ) : analysisId && shown.isPending ? (
        <Skeleton lines={6} />
      ) : null}
    </div>
  );
}
