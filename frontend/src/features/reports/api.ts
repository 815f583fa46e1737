import { useMutation, useQueries, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { api, unwrap } from "@/api/client";
import type { components } from "@/api/schema";
import { onUserEvent } from "@/realtime/socket";

/** The Reports screen's calls: generate, list, follow and delete reports; list, create, pause and delete schedules;
 * and the portfolios and backtests a report can be about. Every type is the generated OpenAPI one. */

export type Report = components["schemas"]["ReportOut"];
export type ReportList = components["schemas"]["ReportList"];
export type GenerateRequest = components["schemas"]["GenerateIn"];
export type Generated = components["schemas"]["GenerateOut"];
export type Schedule = components["schemas"]["ScheduleOut"];
export type ScheduleRequest = components["schemas"]["ScheduleIn"];
export type Delivery = components["schemas"]["Delivery"];
export type ReportType = Report["reportType"];
export type ReportFormat = Report["format"];
export type ReportStatus = Report["status"];
export type Channel = NonNullable<GenerateRequest["deliveryChannels"]>[number];
export type Cadence = Schedule["cadence"];
export type PortfolioChoice = Pick<components["schemas"]["PortfolioOut"], "portfolioId" | "name">;
export type BacktestChoice = Pick<components["schemas"]["RunOut"], "backtestId" | "strategyName" | "symbol" | "interval" | "createdAt">;

/** Reports per page of the list (the API's default page). */
export const PAGE = 50;
/** How often a GENERATING report is asked for again (its ANALYSIS_COMPLETE refetches it at once). */
export const POLL_MS = 1000;

export const keys = {
  all: ["reports"] as const,
  lists: ["reports", "list"] as const,
  list: (offset: number) => ["reports", "list", offset] as const,
  one: (id: string) => ["reports", "one", id] as const,
  schedules: ["reports", "schedules"] as const,
  portfolios: ["reports", "choices", "portfolios"] as const,
  backtests: ["reports", "choices", "backtests"] as const,
};

export const fetchReports = (offset: number, limit = PAGE) => unwrap(api.GET("/api/reports", { params: { query: { limit, offset } } }));
export const fetchReport = (reportId: string) => unwrap(api.GET("/api/reports/{reportId}", { params: { path: { reportId } } }));
export const generateReport = (body: GenerateRequest) => unwrap(api.POST("/api/reports/generate", { body }));
export const deleteReport = (reportId: string) => unwrap(api.DELETE("/api/reports/{reportId}", { params: { path: { reportId } } }));

export const fetchSchedules = () => unwrap(api.GET("/api/reports/schedules"));
export const createSchedule = (body: ScheduleRequest) => unwrap(api.POST("/api/reports/schedules", { body }));
export const pauseSchedule = (scheduleId: number, paused: boolean) =>
  unwrap(api.PATCH("/api/reports/schedules/{scheduleId}", { params: { path: { scheduleId } }, body: { paused } }));
export const deleteSchedule = (scheduleId: number) =>
  unwrap(api.DELETE("/api/reports/schedules/{scheduleId}", { params: { path: { scheduleId } } }));

/** One page of the caller's reports, newest first. */
export function useReports(offset: number) {
  return useQuery({ queryKey: keys.list(offset), queryFn: () => fetchReports(offset), placeholderData: (previous) => previous });
}

/**
 * The rows as they are now: each GENERATING one asked for every POLL_MS until it is done (READY, FAILED), and at
 * once when its ANALYSIS_COMPLETE arrives (which also refreshes the list). A fundamental analysis's
 * ANALYSIS_COMPLETE (an `analysisId`, no `reportId`) is not ours.
 */
export function useLiveReports(rows: readonly Report[]): Report[] {
  const queryClient = useQueryClient();
  useEffect(
    () =>
      onUserEvent((event) => {
        if (event.type !== "ANALYSIS_COMPLETE" || typeof event.reportId !== "string") return;
        void queryClient.invalidateQueries({ queryKey: keys.one(event.reportId) });
        void queryClient.invalidateQueries({ queryKey: keys.lists });
      }),
    [queryClient],
  );
  const generating = rows.filter((r) => r.status === "GENERATING").map((r) => r.reportId);
  const live = useQueries({
    queries: generating.map((reportId) => ({
      queryKey: keys.one(reportId),
      queryFn: () => fetchReport(reportId),
      refetchInterval: (query: { state: { data?: Report | undefined } }) =>
        (query.state.data?.status ?? "GENERATING") === "GENERATING" ? POLL_MS : false,
      staleTime: 0,
    })),
  });
  const fresh = new Map(live.flatMap((q) => (q.data ? [[q.data.reportId, q.data] as const] : [])));
  return rows.map((r) => fresh.get(r.reportId) ?? r);
}

/** The report a 202 stands for, listed at once (GENERATING, as the API answered) until the list has it. */
export function provisional(generated: Generated, body: GenerateRequest, now = new Date()): Report {
  return {
    ...generated,
    reportType: body.reportType,
    format: body.format,
    symbols: body.symbols ?? [],
    includeFundamental: body.includeFundamental,
    includeTechnical: body.includeTechnical,
    includeSentiment: body.includeSentiment,
    includeOnChain: body.includeOnChain ?? body.includeFundamental,
    portfolioId: body.portfolioId ?? null,
    backtestId: body.backtestId ?? null,
    deliveryChannels: body.deliveryChannels ?? [],
    progress: 0,
    error: null,
    fileName: null,
    contentType: null,
    sizeBytes: null,
    downloadExpiresAt: null,
    expiresAt: null,
    deliveries: [],
    sections: [],
    scheduleId: null,
    createdAt: now.toISOString(),
    generatedAt: null,
  };
}

export function useGenerateReport() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: generateReport,
    // The form shows every error, by its field or as its banner: no toast on top.
    onError: () => undefined,
    onSuccess: (generated, body) => {
      queryClient.setQueryData<ReportList>(keys.list(0), (old) =>
        old
          ? { reports: [provisional(generated, body), ...old.reports.filter((r) => r.reportId !== generated.reportId)], count: old.count + 1 }
          : old,
      );
      void queryClient.invalidateQueries({ queryKey: keys.lists });
    },
  });
}

export function useDeleteReport() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteReport,
    onSuccess: (_, reportId) => {
      queryClient.removeQueries({ queryKey: keys.one(reportId) });
      return queryClient.invalidateQueries({ queryKey: keys.lists });
    },
  });
}

export function useSchedules() {
  return useQuery({ queryKey: keys.schedules, queryFn: fetchSchedules });
}

export function useCreateSchedule() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createSchedule,
    onError: () => undefined,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.schedules }),
  });
}

export function usePauseSchedule() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ scheduleId, paused }: { scheduleId: number; paused: boolean }) => pauseSchedule(scheduleId, paused),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.schedules }),
  });
}

export function useDeleteSchedule() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteSchedule,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.schedules }),
  });
}

/** The caller's portfolios (a PORTFOLIO report's subject), when `enabled`. */
export function usePortfolioChoices(enabled = true) {
  return useQuery({
    queryKey: keys.portfolios,
    queryFn: async (): Promise<PortfolioChoice[]> => (await unwrap(api.GET("/api/portfolios"))).map(({ portfolioId, name }) => ({ portfolioId, name })),
    enabled,
    staleTime: 60_000,
  });
}

/** The caller's stored backtest runs, newest first (a BACKTEST report's subject), when `enabled`. */
export function useBacktestChoices(enabled = true) {
  return useQuery({
    queryKey: keys.backtests,
    queryFn: async (): Promise<BacktestChoice[]> =>
      (await unwrap(api.GET("/api/backtest", { params: { query: { limit: 100 } } }))).map(({ backtestId, strategyName, symbol, interval, createdAt }) => ({
        backtestId,
        strategyName,
        symbol,
        interval,
        createdAt,
      })),
    enabled,
    staleTime: 60_000,
  });
}
