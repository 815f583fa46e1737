import type { ReactNode } from "react";
import { Card } from "@/components/ui";
import type { Analysis } from "./api";
import { Facts, SnapshotBadge, Sourced, Unavailable } from "./bits";
import { amount, conflictLines, fieldName, usd, usdPrice } from "./provenance";

/** Each figure: its value in the response, where `sources` and `unavailable` name it, how it reads. */
const FIGURES: { key: string; label: string; field: string; value: (a: Analysis) => number | null | undefined; format: (v: number) => string; note?: string }[] = [
  { key: "marketCap", label: "Market cap", field: "marketCap", value: (a) => a.marketCap, format: usd },
  { key: "volume24h", label: "24h volume", field: "volume24h", value: (a) => a.volume24h, format: usd },
  { key: "price", label: "Price", field: "price", value: (a) => a.fundamentals?.price, format: usdPrice },
  { key: "rank", label: "Market cap rank", field: "fundamentals.rank", value: (a) => a.fundamentals?.rank, format: (v) => `#${v}` },
  { key: "circulatingSupply", label: "Circulating supply", field: "fundamentals.circulatingSupply", value: (a) => a.fundamentals?.circulatingSupply, format: (v) => amount(v) },
  { key: "totalSupply", label: "Total supply", field: "fundamentals.totalSupply", value: (a) => a.fundamentals?.totalSupply, format: (v) => amount(v) },
  { key: "maxSupply", label: "Max supply", field: "fundamentals.maxSupply", value: (a) => a.fundamentals?.maxSupply, format: (v) => amount(v) },
  { key: "fdv", label: "Fully diluted valuation", field: "fundamentals.fullyDilutedValuation", value: (a) => a.fundamentals?.fullyDilutedValuation, format: usd },
  {
    key: "marketCapToTvl",
    label: "Market cap / TVL",
    field: "fundamentals.marketCapToTvl",
    value: (a) => a.fundamentals?.marketCapToTvl,
    format: (v) => `${amount(v, 2)}×`,
    note: "computed: market cap / TVL",
  },
];

/** Why a figure has no number: the providers' reasons, or what the figure is made of. */
function missing(analysis: Analysis, field: string, key: string): ReactNode {
  if (key === "maxSupply" && analysis.fundamentals?.totalSupply != null && !analysis.unavailable.some((m) => m.fields.includes(field)))
    return <span className="asset-unavailable">None — no maximum supply is published</span>;
  if (key === "marketCapToTvl" && !analysis.unavailable.some((m) => m.fields.includes(field)))
    return <Unavailable analysis={analysis} field="onChainMetrics.tvl" testId="unavailable-marketCapToTvl" />;
  return <Unavailable analysis={analysis} field={field} testId={`unavailable-${key}`} />;
}

/** Market cap, volume, price, rank, supply, FDV and market cap / TVL, each with its source and as-of. */
export function FundamentalsCard({ analysis }: { analysis: Analysis }) {
  const rows = FIGURES.map((f) => {
    const v = f.value(analysis);
    return {
      key: f.key,
      label: f.label,
      value:
        v === null || v === undefined ? (
          missing(analysis, f.field, f.key)
        ) : (
          <Sourced provenance={analysis.sources[f.field]} note={f.note} testId={`figure-${f.key}`}>
            {f.format(v)}
          </Sourced>
        ),
    };
  });
  return (
    <Card title="Fundamentals" actions={<SnapshotBadge analysis={analysis} fields={FIGURES.map((f) => f.field)} testId="fundamentals-snapshot" />}>
      <Facts rows={rows} testId="fundamentals" />
      {analysis.conflicts.length ? (
        <div className="asset-conflicts" data-testid="conflicts">
          <h3>Sources that disagree</h3>
          <ul>
            {analysis.conflicts.map((c) => (
              <li key={c.field}>
                <strong>{fieldName(c.field)}</strong>: {c.used}'s figure is shown.
                <ul>
                  {conflictLines(c).map((line) => (
                    <li key={line}>{line}</li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </Card>
  );
}
