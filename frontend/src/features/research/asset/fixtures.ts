/**
 * Analyses for the tests. `recordedBtc` and `recordedEth` are real responses of the backend in its snapshot mode
 * (POST /api/analysis/fundamental, BTC-USD 30d and ETH-USD 90d, recorded 2026-12-03). The snapshots hold no
 * whale transfer, TVL, gas or post, so `withOnChain` adds them to the ETH response in the shapes of the schema
 * (AnalysisOut), marked live, to test the cards that show them.
 */
import type { Analysis } from "./api";
import btc from "./fixtures/btc-usd-30d.json";
import eth from "./fixtures/eth-usd-90d.json";

export const recordedBtc = btc as unknown as Analysis;
export const recordedEth = eth as unknown as Analysis;

const live = (source: string, asOf: string) => ({ source, asOf, cached: false, mode: "live" as const });

export const withOnChain: Analysis = {
  ...recordedEth,
  analysisId: "ANLYS-20261203-007",
  mode: "live",
  onChainMetrics: {
    activeAddresses: null,
    whaleMovements: 2,
    tvl: 61_500_000_000,
    tvlOf: { kind: "chain", name: "Ethereum" },
    tvlHistory: [
      { time: 1764460800, tvl: 60_100_000_000 },
      { time: 1764547200, tvl: 61_000_000_000 },
      { time: 1764633600, tvl: 61_500_000_000 },
    ],
    exchangeInflowUsd: 4_100_000,
    exchangeOutflowUsd: 12_600_000,
    whales: [
      {
        hash: "0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060",
        time: "2026-12-03T18:02:11Z",
        from: "0x28c6c06298d514db089934071355e5743bf21d60",
        to: "0x9e1e0b3c7a0e4f7d3b5f1a2c4d6e8f0a1b2c3d4e",
        fromLabel: "Binance 14",
        toLabel: null,
        amount: 4200,
        asset: "ETH",
        usdValue: 12_600_000,
        direction: "FROM_EXCHANGE",
        explorerUrl: "https://etherscan.io/tx/0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060",
      },
      {
        hash: "0x2f1c5c2b44f771e942a8506148e256f94f1a464babc938ae0690c6e34cd79190",
        time: "2026-12-03T16:40:00Z",
        from: "0x1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d",
        to: "0x28c6c06298d514db089934071355e5743bf21d60",
        fromLabel: null,
        toLabel: "Binance 14",
        amount: 1366.7,
        asset: "ETH",
        usdValue: 4_100_000,
        direction: "TO_EXCHANGE",
        explorerUrl: "https://etherscan.io/tx/0x2f1c5c2b44f771e942a8506148e256f94f1a464babc938ae0690c6e34cd79190",
      },
    ],
    gas: { safeGwei: 0.42, proposeGwei: 0.45, fastGwei: 0.6, baseFeeGwei: 0.41, lastBlock: 23_912_345 },
  },
  sentiment: {
    ...recordedEth.sentiment!,
    score: 0.62,
    label: "BULLISH",
    socialVolume: 3,
    socialVolumeBySource: { RSS: 3 },
    posts: [
      {
        source: "RSS",
        outlet: "CoinDesk",
        title: "Ether ETFs log a third day of inflows",
        text: "Spot ether funds took in more money for a third day as the price held above support.",
        url: "https://www.coindesk.com/markets/2026/12/01/ether-etfs",
        author: "A. Writer",
        publishedAt: "2026-12-01T09:00:00Z",
        score: 0.71,
        label: "BULLISH",
      },
      {
        source: "RSS",
        outlet: "CoinDesk",
        title: "Ethereum fees fall to a four-year low",
        text: "Fees on Ethereum's main chain fell as activity moved to rollups.",
        url: "https://www.coindesk.com/tech/2026/12/02/ethereum-fees",
        author: null,
        publishedAt: "2026-12-02T12:30:00Z",
        score: 0.44,
        label: "NEUTRAL",
      },
      {
        source: "RSS",
        outlet: "CoinDesk",
        title: "Staking withdrawals slow",
        text: "Withdrawals from the beacon chain slowed this week.",
        url: "https://www.coindesk.com/tech/2026/12/02/staking",
        author: null,
        publishedAt: "2026-12-02T15:00:00Z",
        score: 0.71,
        label: "BULLISH",
      },
    ],
  },
  sources: {
    ...recordedEth.sources,
    "onChainMetrics.tvl": live("DeFiLlama", "2026-12-03T00:00:00Z"),
    "onChainMetrics.whales": live("Etherscan", "2026-12-03T18:05:00Z"),
    "onChainMetrics.gas": live("Etherscan", "2026-12-03T18:05:00Z"),
  },
  unavailable: recordedEth.unavailable.filter((m) => m.fields.every((f) => f === "onChainMetrics.activeAddresses")),
};
