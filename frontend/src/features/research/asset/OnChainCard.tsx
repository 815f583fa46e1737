import { useMemo } from "react";
import { LineChart } from "@/components/charts/LineChart";
import { DataTable, type Column } from "@/components/table/DataTable";
import { Card } from "@/components/ui";
import type { Analysis, OnChain, Whale } from "./api";
import { Facts, SnapshotBadge, Sourced, Unavailable } from "./bits";
import { amount, usd, utcStamp } from "./provenance";

const FIELDS = [
  "onChainMetrics.activeAddresses",
  "onChainMetrics.whaleMovements",
  "onChainMetrics.whales",
  "onChainMetrics.exchangeInflowUsd",
  "onChainMetrics.exchangeOutflowUsd",
  "onChainMetrics.tvl",
  "onChainMetrics.tvlHistory",
  "onChainMetrics.gas",
] as const;

const DIRECTIONS: Record<Whale["direction"], string> = {
  TO_EXCHANGE: "To an exchange",
  FROM_EXCHANGE: "From an exchange",
  BETWEEN_EXCHANGES: "Between exchanges",
  OTHER: "Other",
};

const short = (address: string | null | undefined) => (address ? (address.length > 14 ? `${address.slice(0, 6)}…${address.slice(-4)}` : address) : "–");

function Party({ address, label }: { address: string | null | undefined; label: string | null | undefined }) {
  return (
    <span className="asset-party" title={address ?? undefined}>
      {label ? <strong>{label}</strong> : null}
      <span className={label ? "muted" : undefined}>{short(address)}</span>
    </span>
  );
}

const WHALE_COLUMNS: Column<Whale>[] = [
  { key: "time", label: "Time (UTC)", cell: (w) => utcStamp(w.time).replace(" UTC", ""), sortValue: (w) => w.time },
  { key: "amount", label: "Amount", align: "end", cell: (w) => `${amount(Number(w.amount), 4)} ${w.asset}`, sortValue: (w) => Number(w.amount) },
  { key: "usd", label: "USD value", align: "end", cell: (w) => usd(Number(w.usdValue)), sortValue: (w) => Number(w.usdValue) },
  { key: "from", label: "From", cell: (w) => <Party address={w.from} label={w.fromLabel} />, priority: 2 },
  { key: "to", label: "To", cell: (w) => <Party address={w.to} label={w.toLabel} />, priority: 2 },
  { key: "direction", label: "Direction", cell: (w) => DIRECTIONS[w.direction], sortValue: (w) => w.direction },
  {
    key: "explorer",
    label: "Transaction",
    cell: (w) => (
      <a href={w.explorerUrl} target="_blank" rel="noopener noreferrer">
        {short(w.hash)}
        <span className="sr-only"> on the block explorer (opens in a new tab)</span>
        <span aria-hidden="true"> ↗</span>
      </a>
    ),
  },
];

function Gas({ gas }: { gas: NonNullable<OnChain["gas"]> }) {
  return (
    <span>
      {amount(Number(gas.safeGwei), 2)} / {amount(Number(gas.proposeGwei), 2)} / {amount(Number(gas.fastGwei), 2)} gwei
      <span className="muted"> (safe / standard / fast; base fee {amount(Number(gas.baseFeeGwei), 2)}, block {amount(gas.lastBlock)})</span>
    </span>
  );
}

/** Whale transfers, exchange flows, TVL with its history and gas; each figure missing says why. */
export function OnChainCard({ analysis }: { analysis: Analysis }) {
  const chain = analysis.onChainMetrics;
  const tvlSeries = useMemo(
    () => [{ name: "TVL (USD)", points: (chain?.tvlHistory ?? []).map((p) => ({ time: p.time, value: p.tvl })) }],
    [chain?.tvlHistory],
  );
  if (!chain) {
    return (
      <Card title="On-chain">
        <p className="muted" data-testid="onchain-not-requested">
          On-chain figures were not asked for in this analysis.
        </p>
      </Card>
    );
  }
  const src = (field: string) => analysis.sources[field];
  const missing = (key: string, ...fields: string[]) => <Unavailable analysis={analysis} field={fields} testId={`unavailable-${key}`} />;
  const flow = (value: number | string | null | undefined, field: string, key: string) =>
    value === null || value === undefined ? (
      missing(key, field, "onChainMetrics.whaleMovements", "onChainMetrics.whales")
    ) : (
      <Sourced provenance={src(field) ?? src("onChainMetrics.whales")} testId={`figure-${key}`}>
        {usd(Number(value))}
      </Sourced>
    );
  const rows = [
    {
      key: "activeAddresses",
      label: "Active addresses (24h)",
      value:
        chain.activeAddresses == null ? missing("activeAddresses", "onChainMetrics.activeAddresses") : (
          <Sourced provenance={src("onChainMetrics.activeAddresses")}>{amount(chain.activeAddresses)}</Sourced>
        ),
    },
    {
      key: "whaleMovements",
      label: "Whale movements",
      value:
        chain.whaleMovements == null ? missing("whaleMovements", "onChainMetrics.whaleMovements", "onChainMetrics.whales") : (
          <Sourced provenance={src("onChainMetrics.whaleMovements") ?? src("onChainMetrics.whales")} testId="figure-whaleMovements">
            {amount(chain.whaleMovements)}
          </Sourced>
        ),
    },
    { key: "inflow", label: "Exchange inflow", value: flow(chain.exchangeInflowUsd, "onChainMetrics.exchangeInflowUsd", "inflow") },
    { key: "outflow", label: "Exchange outflow", value: flow(chain.exchangeOutflowUsd, "onChainMetrics.exchangeOutflowUsd", "outflow") },
    {
      key: "tvl",
      label: chain.tvlOf ? `TVL of ${chain.tvlOf.name} (${chain.tvlOf.kind})` : "Total value locked",
      value:
        chain.tvl == null ? missing("tvl", "onChainMetrics.tvl") : (
          <Sourced provenance={src("onChainMetrics.tvl")} testId="figure-tvl">
            {usd(chain.tvl)}
          </Sourced>
        ),
    },
    {
      key: "gas",
      label: "Gas",
      value: chain.gas ? (
        <Sourced provenance={src("onChainMetrics.gas")}>
          <Gas gas={chain.gas} />
        </Sourced>
      ) : (
        missing("gas", "onChainMetrics.gas")
      ),
    },
  ];
  return (
    <Card title="On-chain" actions={<SnapshotBadge analysis={analysis} fields={FIELDS} testId="onchain-snapshot" />}>
      <Facts rows={rows} testId="onchain" />
      {tvlSeries[0]!.points.length >= 2 ? (
        <div className="asset-chart">
          <h3>TVL over time</h3>
          <LineChart label={`TVL of ${chain.tvlOf?.name ?? analysis.symbol} in USD`} series={tvlSeries} height={160} testId="tvl-chart" />
        </div>
      ) : null}
      <h3>Whale transfers</h3>
      <DataTable
        columns={WHALE_COLUMNS}
        rows={chain.whales}
        rowKey={(w) => w.hash}
        label="Whale transfers"
        testId="whale-table"
        defaultSort={{ key: "time", direction: "descending" }}
        maxHeight="320px"
        cards
        empty={
          <p className="muted" data-testid="whales-empty">
            No whale transfer to show.{" "}
            {chain.whaleMovements == null ? <Unavailable analysis={analysis} field={["onChainMetrics.whales", "onChainMetrics.whaleMovements"]} /> : null}
          </p>
        }
      />
    </Card>
  );
}
