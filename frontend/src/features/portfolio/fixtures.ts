import type { Analysis, Portfolio, Position, Rebalance, Transaction } from "./types";

/** Fixtures for the tests: the seed's portfolio (BTC-USD 0.5 bought at 48,000, priced 50,250; targets BTC-USD 60 /
 * ETH-USD 30 / USDT 10, LOW), with `patch` over it. */

export function positionFixture(patch: Partial<Position> = {}): Position {
  return {
    positionId: 1,
    portfolioId: 3,
    symbol: "BTC-USD",
    quantity: 0.5,
    entryPrice: 48000,
    currentPrice: 50250,
    currentValue: 25125,
    pnl: 1125,
    pnlPercent: 4.69,
    entryDate: "2025-11-01T00:00:00Z",
    cost: 24000,
    realisedPnlFifo: 0,
    realisedPnlAverage: 0,
    income: 0,
    fees: 0,
    price: { source: "webhook", asOf: "2026-11-24T10:00:00Z" },
    ...patch,
  };
}

export function portfolioFixture(patch: Partial<Portfolio> = {}): Portfolio {
  return {
    portfolioId: 3,
    userId: 7,
    name: "Conservative Portfolio",
    riskProfile: "LOW",
    currentValue: 25125,
    positions: [positionFixture()],
    createdAt: "2026-11-20T10:00:00Z",
    updatedAt: "2026-11-24T10:00:00Z",
    targetAllocations: { "BTC-USD": 0.6, "ETH-USD": 0.3, USDT: 0.1 },
    band: 0.03,
    bandIsDefault: true,
    totalCost: 24000,
    totalPnL: 1125,
    realisedPnl: 0,
    unrealisedPnl: 1125,
    maxDeviation: 0.4,
    dayChange: null,
    dayChangePercent: null,
    rebalancingNeeded: true,
    warnings: [],
    ...patch,
  };
}

const days = (n: number, start = "2026-11-20") =>
  Array.from({ length: n }, (_, i) => new Date(Date.parse(`${start}T00:00:00Z`) + i * 86_400_000).toISOString().slice(0, 10));

export function analysisFixture(patch: Partial<Analysis> = {}): Analysis {
  const dates = days(5);
  return {
    portfolioId: 3,
    totalValue: 25125,
    totalPnL: 1125,
    allocation: { "BTC-USD": 1 },
    allocationDeviation: { "BTC-USD": 0.4, "ETH-USD": -0.3, USDT: -0.1 },
    riskMetrics: { var95: -812.4, maxDrawdown: -12.5, sharpeRatio: 1.23, volatility: 0.42 },
    rebalancingNeeded: true,
    alerts: [
      {
        alertId: 9,
        condition: "ALLOCATION_DRIFT",
        symbol: null,
        measured: 0.4,
        level: 0.03,
        message: "BTC-USD is 100.0% against a 60.0% target (band ±3.0%)",
      },
    ],
    band: 0.03,
    lookbackDays: 365,
    riskFreeRate: 0.02,
    extended: {
      parametricVar95: -900,
      cvar95: -1100,
      parametricCvar95: -1200,
      sortinoRatio: 1.5,
      calmarRatio: null,
      beta: 1,
      correlation: 1,
      assetVolatility: { "BTC-USD": 0.42 },
      riskContribution: { "BTC-USD": 1 },
      correlationMatrix: { "BTC-USD": { "BTC-USD": 1 } },
      concentrationHhi: 1,
    },
    performance: {
      twr: { "1D": 0.01, "7D": 0.0469, "30D": null, YTD: null, "1Y": null, ALL: 0.0469 },
      mwr: { "1D": 0.01, "7D": 0.05, "30D": null, YTD: null, "1Y": null, ALL: 0.05 },
    },
    attribution: {
      period: "4D",
      portfolioReturn: 0.0469,
      benchmarkReturn: 0.03,
      excessReturn: 0.0169,
      contribution: { "BTC-USD": 0.0469 },
      allocationEffect: { "BTC-USD": 0.0169 },
    },
    values: dates.map((date, i) => ({ date, value: [25000, 24000, 22000, 24500, 25125][i]! })),
    history: dates.map((date, i) => ({ date, value: [24000, 24200, 23500, 24800, 25125][i]! })),
    prices: { "BTC-USD": { source: "webhook", asOf: "2026-11-24T10:00:00Z" } },
    warnings: ["ETH-USD has no daily close in the lookback: left out of the risk figures"],
    asOf: "2026-11-24T10:00:00Z",
    ...patch,
  };
}

export function rebalanceFixture(patch: Partial<Rebalance> = {}): Rebalance {
  return {
    portfolioId: 3,
    rebalancingNeeded: true,
    band: 0.03,
    trades: [
      { symbol: "BTC-USD", side: "SELL", quantity: 0.2, notional: 10050, reason: "BTC-USD is 100.0% against a 60.0% target (band ±3.0%): sell 0.2 to bring it to 60.0%" },
      { symbol: "ETH-USD", side: "BUY", quantity: 3.2, notional: 7537.5, reason: "ETH-USD is 0.0% against a 30.0% target (band ±3.0%): buy 3.2 to bring it to 30.0%" },
    ],
    weightsBefore: { "BTC-USD": 1 },
    weightsAfter: { "BTC-USD": 0.6, "ETH-USD": 0.3, USDT: 0.099 },
    turnover: 0.7,
    fees: 17.59,
    skipped: ["USDT is cash, the settlement currency: not traded"],
    ...patch,
  };
}

export function transactionFixture(patch: Partial<Transaction> = {}): Transaction {
  return {
    transactionId: 11,
    portfolioId: 3,
    kind: "BUY",
    symbol: "BTC-USD",
    quantity: 0.5,
    price: 48000,
    fee: 0,
    executedAt: "2025-11-01T00:00:00Z",
    externalId: null,
    note: null,
    createdAt: "2026-11-24T10:00:00Z",
    ...patch,
  };
}

/** The registry as GET /api/market/symbols lists it (USDT and USDC are listed; USD is not). */
export const SYMBOLS = ["BTC-USD", "ETH-USD", "USDT", "USDC"].map((symbol) => ({
  symbol,
  name: symbol,
  coingeckoId: null,
  coinmarketcapId: null,
  binancePair: null,
  coinbaseProduct: null,
  stablecoin: symbol.startsWith("USD"),
}));
