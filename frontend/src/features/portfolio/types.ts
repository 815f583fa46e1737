import type { components, paths } from "@/api/schema";

/** Types of the portfolio screens: aliases of the generated OpenAPI schemas, and the screens' own choices. */

export type Portfolio = components["schemas"]["PortfolioOut"];
export type PortfolioCreated = components["schemas"]["PortfolioCreated"];
export type PortfolioIn = components["schemas"]["PortfolioIn"];
export type PortfolioPatch = components["schemas"]["PortfolioPatch"];
export type Position = components["schemas"]["PositionOut"];
export type PriceSource = components["schemas"]["PriceSource"];
export type Transaction = components["schemas"]["TransactionOut"];
export type TransactionIn = components["schemas"]["TransactionIn"];
export type TransactionPatch = components["schemas"]["TransactionPatch"];
export type TransactionPage = components["schemas"]["TransactionPage"];
// Read from its route: the fundamental analysis has a schema named AnalysisOut too, and OpenAPI then
// qualifies both names with their modules.
export type Analysis = paths["/api/portfolios/{portfolioId}/analysis"]["get"]["responses"][200]["content"]["application/json"]["data"];
export type RiskMetrics = components["schemas"]["RiskMetricsOut"];
export type ExtendedRisk = components["schemas"]["ExtendedRiskOut"];
export type Attribution = components["schemas"]["AttributionOut"];
export type ValuePoint = components["schemas"]["ValuePoint"];
export type Rebalance = components["schemas"]["RebalanceOut"];
export type Trade = components["schemas"]["TradeOut"];
export type OptimizeIn = components["schemas"]["PortfolioOptimizeIn"];
export type OptimizeOut = components["schemas"]["PortfolioOptimizeOut"];
export type ImportIn = components["schemas"]["ImportIn"];
export type ImportOut = components["schemas"]["ImportOut"];
export type RowError = components["schemas"]["RowError"];
export type AlertBreach = components["schemas"]["AlertBreach"];
export type RiskAlert = components["schemas"]["AlertOut"];
export type RiskAlertIn = components["schemas"]["PortfolioAlertIn"];
export type RiskCondition = RiskAlertIn["condition"];

/** The portfolio risk conditions, with what their threshold means (docs/API.md "Portfolio risk alerts"). */
export const RISK_CONDITIONS: { value: RiskCondition; label: string; threshold: string | null }[] = [
  { value: "ALLOCATION_DRIFT", label: "Allocation drift", threshold: "Band, a fraction (empty: the portfolio's)" },
  { value: "DRAWDOWN_BELOW", label: "Drawdown below", threshold: "Percent from the peak, e.g. -10" },
  { value: "VAR_BREACH", label: "Loss beyond VaR95", threshold: null },
  { value: "VALUE_ABOVE", label: "Value above", threshold: "Value" },
  { value: "VALUE_BELOW", label: "Value below", threshold: "Value" },
];

export const riskConditionLabel = (condition: string) => RISK_CONDITIONS.find((c) => c.value === condition)?.label ?? condition;

export type RiskProfile = Portfolio["riskProfile"];
export type Kind = TransactionIn["kind"];
export type Method = OptimizeIn["method"];

/** The API's default band per risk profile (PortfolioIn: LOW 0.03, MEDIUM 0.05, HIGH 0.10). */
export const RISK_PROFILES: { value: RiskProfile; label: string; band: number }[] = [
  { value: "LOW", label: "Low", band: 0.03 },
  { value: "MEDIUM", label: "Medium", band: 0.05 },
  { value: "HIGH", label: "High", band: 0.1 },
];

export const defaultBand = (profile: RiskProfile) => RISK_PROFILES.find((r) => r.value === profile)?.band ?? 0.05;

/** Cash: valued at its price (USD at 1, a stablecoin at its stored price or its peg), never traded by a rebalance. */
export const CASH = ["USD", "USDT", "USDC"] as const;
export const isCash = (symbol: string) => (CASH as readonly string[]).includes(symbol);

export const KINDS: { value: Kind; label: string; hint: string }[] = [
  { value: "BUY", label: "Buy", hint: "Adds the quantity at the price; money put in" },
  { value: "SELL", label: "Sell", hint: "Removes the quantity; realises P&L (FIFO and average cost)" },
  { value: "DEPOSIT", label: "Deposit", hint: "Cash (USD, USDT, USDC) or an asset put in" },
  { value: "WITHDRAW", label: "Withdraw", hint: "Cash or an asset taken out" },
  { value: "FEE", label: "Fee", hint: "A fee paid in this asset" },
  { value: "STAKING_REWARD", label: "Staking reward", hint: "Income received in this asset" },
  { value: "TRANSFER_IN", label: "Transfer in", hint: "Moved in from another wallet, at its cost" },
  { value: "TRANSFER_OUT", label: "Transfer out", hint: "Moved out to another wallet" },
];

export const kindLabel = (kind: string) => KINDS.find((k) => k.value === kind)?.label ?? kind;

/** The performance periods of `performance.twr` / `.mwr`, in order. */
export const PERIODS = ["1D", "7D", "30D", "YTD", "1Y", "ALL"] as const;

export const METHODS: { value: Method; label: string; meaning: string }[] = [
  { value: "MIN_VARIANCE", label: "Minimum variance", meaning: "The least volatile mix of the portfolio's assets" },
  { value: "MAX_SHARPE", label: "Maximum Sharpe", meaning: "The best return per unit of volatility over the lookback" },
  { value: "HRP", label: "Hierarchical risk parity", meaning: "Risk spread over clusters of correlated assets" },
  { value: "RISK_PARITY", label: "Risk parity", meaning: "Each asset contributes the same risk" },
];

export const LOOKBACKS = [30, 90, 180, 365, 730] as const;
