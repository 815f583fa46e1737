import { DataTable, type Column } from "@/components/table/DataTable";
import { Card } from "@/components/ui";
import type { Analysis, Component } from "./api";
import { amount } from "./provenance";

const NAMES: Record<string, string> = {
  valuation: "Valuation",
  momentum: "Momentum",
  onChain: "On-chain flows",
  sentiment: "Sentiment",
  fearGreed: "Fear & Greed",
};

const signed = (v: number, digits = 2) => (v > 0 ? "+" : "") + v.toFixed(digits);

const COLUMNS: Column<Component>[] = [
  { key: "name", label: "Component", rowHeader: true, cell: (c) => NAMES[c.name] ?? c.name },
  { key: "raw", label: "Raw value", align: "end", cell: (c) => (c.rawValue == null ? "no data" : amount(c.rawValue, 4)) },
  { key: "score", label: "Score (−1…1)", align: "end", cell: (c) => (c.score == null ? "no data" : signed(c.score)) },
  { key: "weight", label: "Weight", align: "end", cell: (c) => `${(c.weight * 100).toFixed(0)}%` },
  { key: "contribution", label: "Contribution", align: "end", cell: (c) => signed(c.contribution, 3) },
  { key: "rule", label: "Rule", cell: (c) => c.rule, cellProps: () => ({ className: "wrap asset-rule" }) },
  { key: "note", label: "Note", cell: (c) => c.note ?? "", cellProps: () => ({ className: "wrap asset-note" }) },
];

const ACTION_TONE: Record<string, string> = { BUY: "up", SELL: "down", HOLD: "" };

/** BUY/HOLD/SELL with its confidence, the components that add up to it, and the disclaimer as the API words it. */
export function RecommendationCard({ analysis }: { analysis: Analysis }) {
  const total = analysis.recommendationScore ?? analysis.components.reduce((sum, c) => sum + c.contribution, 0);
  const rule = analysis.thresholds
    ? `BUY at ${signed(analysis.thresholds.buy, 1)} or more, SELL at ${signed(analysis.thresholds.sell, 1)} or less`
    : "the sum of the contributions";
  return (
    <Card title="Recommendation">
      <div className="asset-reco" data-testid="recommendation">
        <span className={"asset-action " + (ACTION_TONE[analysis.recommendation ?? ""] ?? "")} data-testid="recommendation-action">
          {analysis.recommendation ?? "None"}
        </span>
        <span>
          Confidence{" "}
          <strong data-testid="recommendation-confidence">{analysis.confidence == null ? "–" : `${Math.round(analysis.confidence * 100)}%`}</strong>
          <span className="muted" data-testid="recommendation-score"> · score {signed(total, 3)} ({rule})</span>
        </span>
      </div>
      <DataTable
        columns={COLUMNS}
        rows={analysis.components}
        rowKey={(c) => c.name}
        label="Components of the recommendation"
        testId="components-table"
        cards
        empty={<p className="muted">The analysis lists no component.</p>}
      />
      {analysis.disclaimer ? (
        <p className="asset-disclaimer" data-testid="disclaimer">
          {analysis.disclaimer}
        </p>
      ) : null}
    </Card>
  );
}
