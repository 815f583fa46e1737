import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ApiError } from "@/api/errors";
import { useAuth } from "@/stores/auth";
import { toastError, useUi } from "@/stores/ui";
import {
  addTransaction,
  correctTransaction,
  createPortfolio,
  createRiskAlert,
  deletePortfolio,
  deleteRiskAlert,
  deleteTransaction,
  fetchAnalysis,
  fetchDailyCloses,
  fetchPortfolio,
  fetchPortfolios,
  fetchRebalance,
  fetchRiskAlerts,
  fetchTransactions,
  importTransactions,
  optimise,
  portfolioKeys,
  updatePortfolio,
  type RebalanceParams,
} from "./api";
import type { ImportIn, OptimizeIn, PortfolioIn, PortfolioPatch, RiskAlertIn, TransactionIn, TransactionPatch } from "./types";

/** Data of the portfolio screens (keys in ./api: the live PORTFOLIO_UPDATE handler invalidates them). */

/** A 4xx says something about the request or the data (no price yet, too few symbols): asking again will not
 * help. A 5xx or a dropped connection is tried once more. */
const retryOnce = (failures: number, error: Error) => !(error instanceof ApiError && error.status < 500) && failures < 1;

export function useUserId(): number {
  return useAuth((s) => s.user?.id ?? 0);
}

export function usePortfolios() {
  const userId = useUserId();
  return useQuery({ queryKey: portfolioKeys.list(userId), queryFn: fetchPortfolios, enabled: userId > 0 });
}

export function usePortfolio(id: number) {
  return useQuery({ queryKey: portfolioKeys.detail(id), queryFn: () => fetchPortfolio(id), enabled: id > 0 });
}

export function useAnalysis(id: number, lookbackDays: number) {
  return useQuery({
    queryKey: portfolioKeys.analysis(id, lookbackDays),
    queryFn: () => fetchAnalysis(id, lookbackDays),
    enabled: id > 0,
    retry: retryOnce,
    placeholderData: keepPreviousData,
  });
}

export function useRebalance(id: number, params: RebalanceParams, enabled = true) {
  return useQuery({
    queryKey: portfolioKeys.rebalance(id, params),
    queryFn: () => fetchRebalance(id, params),
    enabled: id > 0 && enabled,
    retry: retryOnce,
    placeholderData: keepPreviousData,
  });
}

export function useTransactions(id: number, offset: number, limit: number) {
  return useQuery({
    queryKey: portfolioKeys.transactions(id, offset, limit),
    queryFn: () => fetchTransactions(id, offset, limit),
    enabled: id > 0,
    placeholderData: keepPreviousData,
  });
}

/** Daily closes of `symbol` over the UTC days [from, to] (both "YYYY-MM-DD"), for the value chart's comparison. */
export function useDailyCloses(symbol: string, from: string | undefined, to: string | undefined) {
  return useQuery({
    queryKey: ["historical", symbol, "1d", from, to],
    queryFn: () => fetchDailyCloses(symbol, `${from}T00:00:00Z`, `${to}T23:59:59Z`),
    enabled: Boolean(from && to),
    staleTime: 5 * 60_000,
  });
}

/** Replaces the app-wide error toast: the forms show every error of these requests themselves, by field. */
const shownByTheForm = () => undefined;

export function useCreatePortfolio() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: PortfolioIn) => createPortfolio(body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: portfolioKeys.lists }),
    onError: shownByTheForm,
  });
}

export function useUpdatePortfolio(id: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (patch: PortfolioPatch) => updatePortfolio(id, patch),
    onSuccess: async (saved) => {
      queryClient.setQueryData(portfolioKeys.detail(id), saved);
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: portfolioKeys.lists }),
        queryClient.invalidateQueries({ queryKey: portfolioKeys.one(id) }),
      ]);
    },
    onError: shownByTheForm,
  });
}

export function useDeletePortfolio(id: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => deletePortfolio(id),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: portfolioKeys.one(id) });
      void queryClient.invalidateQueries({ queryKey: portfolioKeys.lists });
    },
    onError: (error) => toastError(error, "Could not delete the portfolio"),
  });
}

/** After any change of the transactions: the holdings, analysis, advice and pages of this portfolio, and the list. */
function useRefresh(id: number) {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: portfolioKeys.one(id) }),
      queryClient.invalidateQueries({ queryKey: portfolioKeys.lists }),
    ]);
}

export function useAddTransaction(id: number) {
  const refresh = useRefresh(id);
  return useMutation({ mutationFn: (body: TransactionIn) => addTransaction(id, body), onSuccess: refresh, onError: shownByTheForm });
}

export function useCorrectTransaction(id: number) {
  const refresh = useRefresh(id);
  return useMutation({
    mutationFn: ({ transactionId, patch }: { transactionId: number; patch: TransactionPatch }) => correctTransaction(id, transactionId, patch),
    onSuccess: refresh,
    onError: shownByTheForm,
  });
}

export function useDeleteTransaction(id: number) {
  const refresh = useRefresh(id);
  return useMutation({
    mutationFn: (transactionId: number) => deleteTransaction(id, transactionId),
    onSuccess: async (_, transactionId) => {
      useUi.getState().toast({ kind: "success", title: `Transaction #${transactionId} deleted` });
      await refresh();
    },
    onError: (error) => toastError(error, "Could not delete the transaction"),
  });
}

export function useImportTransactions(id: number) {
  const refresh = useRefresh(id);
  return useMutation({ mutationFn: (body: ImportIn) => importTransactions(id, body), onSuccess: refresh, onError: shownByTheForm });
}

export function useOptimise(id: number) {
  return useMutation({ mutationFn: (body: OptimizeIn) => optimise(id, body), onError: shownByTheForm });
}

export function useRiskAlerts(id: number) {
  return useQuery({ queryKey: portfolioKeys.alerts(id), queryFn: () => fetchRiskAlerts(id), enabled: id > 0 });
}

/** After a risk alert is added or deleted: the portfolio's alerts (and its analysis, which lists those in breach). */
function useAlertsChanged(id: number) {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: portfolioKeys.one(id) }),
      queryClient.invalidateQueries({ queryKey: ["alerts"] }),
    ]);
}

export function useCreateRiskAlert(id: number) {
  const changed = useAlertsChanged(id);
  return useMutation({ mutationFn: (body: RiskAlertIn) => createRiskAlert(id, body), onSuccess: changed, onError: shownByTheForm });
}

export function useDeleteRiskAlert(id: number) {
  const userId = useUserId();
  const changed = useAlertsChanged(id);
  return useMutation({
    mutationFn: (alertId: number) => deleteRiskAlert(userId, alertId),
    onSuccess: changed,
    onError: (error) => toastError(error, "Could not delete the alert"),
  });
}
