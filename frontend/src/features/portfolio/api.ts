import { api, authedFetch, unwrap } from "@/api/client";
import type { ImportIn, OptimizeIn, PortfolioIn, PortfolioPatch, RiskAlertIn, TransactionIn, TransactionPatch } from "./types";
import { saveBlob } from "@/lib/download";

/** The portfolio screens' calls to the API and their query keys; every type is the generated OpenAPI one. */

export interface RebalanceParams {
  minTrade?: number | undefined;
  feeRate?: number | undefined;
  turnoverCap?: number | undefined;
}

/**
 * Keys start with ["portfolios"]; everything about one portfolio starts with ["portfolios", id], so that the live
 * PORTFOLIO_UPDATE handler (src/app) refreshes that portfolio's views at once, and the list.
 */
export const portfolioKeys = {
  all: ["portfolios"] as const,
  list: (userId: number) => ["portfolios", "list", userId] as const,
  lists: ["portfolios", "list"] as const,
  one: (id: number) => ["portfolios", id] as const,
  detail: (id: number) => ["portfolios", id, "detail"] as const,
  analysis: (id: number, lookbackDays: number) => ["portfolios", id, "analysis", lookbackDays] as const,
  rebalance: (id: number, params: RebalanceParams) => ["portfolios", id, "rebalance", params] as const,
  transactions: (id: number, offset: number, limit: number) => ["portfolios", id, "transactions", offset, limit] as const,
  alerts: (id: number) => ["portfolios", id, "alerts"] as const,
};

/** The keys a PORTFOLIO_UPDATE for `portfolioId` makes stale: the list and everything about that portfolio. */
export const updatedKeys = (portfolioId: number) => [portfolioKeys.lists, portfolioKeys.one(portfolioId)];

const path = (portfolioId: number) => ({ path: { portfolioId } });

export const fetchPortfolios = () => unwrap(api.GET("/api/portfolios"));
export const fetchPortfolio = (id: number) => unwrap(api.GET("/api/portfolios/{portfolioId}", { params: path(id) }));
export const createPortfolio = (body: PortfolioIn) => unwrap(api.POST("/api/portfolios", { body }));
export const updatePortfolio = (id: number, body: PortfolioPatch) =>
  unwrap(api.PATCH("/api/portfolios/{portfolioId}", { params: path(id), body }));
export const deletePortfolio = (id: number) => unwrap(api.DELETE("/api/portfolios/{portfolioId}", { params: path(id) }));

export const fetchAnalysis = (id: number, lookbackDays: number) =>
  unwrap(api.GET("/api/portfolios/{portfolioId}/analysis", { params: { ...path(id), query: { lookbackDays } } }));

export const fetchRebalance = (id: number, query: RebalanceParams) =>
  unwrap(
    api.GET("/api/portfolios/{portfolioId}/rebalance", {
      params: { ...path(id), query: { minTrade: query.minTrade, feeRate: query.feeRate, turnoverCap: query.turnoverCap ?? null } },
    }),
  );

export const optimise = (id: number, body: OptimizeIn) => unwrap(api.POST("/api/portfolios/{portfolioId}/optimize", { params: path(id), body }));

export const fetchTransactions = (id: number, offset: number, limit: number) =>
  unwrap(api.GET("/api/portfolios/{portfolioId}/transactions", { params: { ...path(id), query: { offset, limit } } }));
export const addTransaction = (id: number, body: TransactionIn) =>
  unwrap(api.POST("/api/portfolios/{portfolioId}/transactions", { params: path(id), body }));
export const correctTransaction = (id: number, transactionId: number, body: TransactionPatch) =>
  unwrap(
    api.PATCH("/api/portfolios/{portfolioId}/transactions/{transactionId}", { params: { path: { portfolioId: id, transactionId } }, body }),
  );
export const deleteTransaction = (id: number, transactionId: number) =>
  unwrap(api.DELETE("/api/portfolios/{portfolioId}/transactions/{transactionId}", { params: { path: { portfolioId: id, transactionId } } }));
export const importTransactions = (id: number, body: ImportIn) =>
  unwrap(api.POST("/api/portfolios/{portfolioId}/transactions/import", { params: path(id), body }));

/** BTC-USD's daily closes over [from, to): the value chart's comparison. */
export const fetchDailyCloses = (symbol: string, from: string, to: string) =>
  unwrap(api.GET("/api/data/historical", { params: { query: { symbol, interval: "1d", from, to, limit: 5000 } } }));

/** Downloads the transactions as the import's CSV (with the session's token: not a bare link); the file's name. */
export async function downloadTransactions(id: number): Promise<string> {
  const response = await authedFetch(`/api/portfolios/${id}/transactions/export`);
  const blob = await response.blob();
  const disposition = response.headers.get("Content-Disposition") ?? "";
  const name = /filename="?([^";]+)"?/i.exec(disposition)?.[1]?.trim() ?? `portfolio-${id}-transactions.csv`;
  saveBlob(blob, name);
  return name;
}

export const fetchRiskAlerts = (id: number) => unwrap(api.GET("/api/portfolios/{portfolioId}/alerts", { params: path(id) }));
export const createRiskAlert = (id: number, body: RiskAlertIn) =>
  unwrap(api.POST("/api/portfolios/{portfolioId}/alerts", { params: path(id), body }));
export const deleteRiskAlert = (userId: number, alertId: number) =>
  unwrap(api.DELETE("/api/alerts/{userId}/{alertId}", { params: { path: { userId, alertId } } }));
