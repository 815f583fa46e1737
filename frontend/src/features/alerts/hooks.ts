import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { alertListKey, fetchAlerts, type ListFilters } from "@/api/alerts";
import { api, unwrap } from "@/api/client";
import { toApiError } from "@/api/errors";
import { useAuth } from "@/stores/auth";
import { toastError, useUi } from "@/stores/ui";
import type {
  Alert,
  AlertIn,
  AlertPatch,
  BacktestIn,
  History,
} from "./types";

/** Data of the alert screens. Keys start with ["alerts"] / ["notifications"]: the app shell invalidates
 * those on every ALERT_TRIGGERED, so lists, history and metrics refresh live. */

// The list's call is shared with the community's attachment picker (src/api/alerts.ts).
export type { ListFilters } from "@/api/alerts";

export interface HistoryQuery {
  alertId?: number;
  from?: string;
  to?: string;
  limit?: number;
}

export interface Range {
  from?: string;
  to?: string;
}

export const alertKeys = {
  all: ["alerts"] as const,
  list: alertListKey,
  one: (userId: number, alertId: number) => ["alerts", userId, "one", alertId] as const,
  history: (userId: number, query: HistoryQuery) => ["alerts", userId, "history", query] as const,
  metrics: (userId: number, range: Range) => ["alerts", userId, "metrics", range] as const,
  inbox: ["notifications", "inbox"] as const,
  mailbox: (offset: number) => ["notifications", "mailbox", offset] as const,
};

export function useUserId(): number {
  return useAuth((s) => s.user?.id ?? 0);
}

export function useAlerts(filters: ListFilters) {
  const userId = useUserId();
  return useQuery({
    queryKey: alertKeys.list(userId, filters),
    enabled: userId > 0,
    placeholderData: keepPreviousData,
    queryFn: () => fetchAlerts(userId, filters),
  });
}

/** Deliveries still under way: poll until they settle (a trigger shows PENDING, then DELIVERED). */
const unsettled = (history: History | undefined) =>
  !!history?.triggers.some((t) => t.channels.some((c) => c.status === "PENDING" || c.status === "SENDING"));

export function useHistory(query: HistoryQuery) {
  const userId = useUserId();
  return useQuery({
    queryKey: alertKeys.history(userId, query),
    enabled: userId > 0,
    placeholderData: keepPreviousData,
    refetchInterval: (q) => (unsettled(q.state.data) ? 1500 : false),
    queryFn: () =>
      unwrap(
        api.GET("/api/alerts/{userId}/history", {
          params: {
            path: { userId },
            query: {
              alertId: query.alertId ?? null,
              from: query.from ?? null,
              to: query.to ?? null,
              limit: query.limit ?? 100,
            },
          },
        }),
      ),
  });
}

export function useMetrics(range: Range) {
  const userId = useUserId();
  return useQuery({
    queryKey: alertKeys.metrics(userId, range),
    enabled: userId > 0,
    placeholderData: keepPreviousData,
    queryFn: () =>
      unwrap(
        api.GET("/api/alerts/{userId}/metrics", {
          params: { path: { userId }, query: { from: range.from ?? null, to: range.to ?? null } },
        }),
      ),
  });
}

export function useInbox() {
  return useQuery({
    queryKey: alertKeys.inbox,
    queryFn: () =>
      unwrap(api.GET("/api/notifications", { params: { query: { channel: "IN_APP", limit: 50 } } })),
  });
}

export const MAILBOX_PAGE = 20;
/** Mail is written by the outbox a moment after the trigger's in-app event: look again while it is shown. */
const MAILBOX_POLL_MS = 5000;

/** The local mailbox (GET /api/notifications/mailbox): EMAIL kept on the server when it has no SMTP. */
export function useMailbox(offset: number) {
  return useQuery({
    queryKey: alertKeys.mailbox(offset),
    placeholderData: keepPreviousData,
    refetchInterval: MAILBOX_POLL_MS,
    queryFn: () =>
      unwrap(api.GET("/api/notifications/mailbox", { params: { query: { offset, limit: MAILBOX_PAGE } } })),
  });
}

/** Replaces the app-wide error toast: the alert form shows every error of these requests itself, by its field. */
const shownByTheForm = () => undefined;

export function useCreateAlert() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: AlertIn) => unwrap(api.POST("/api/alerts", { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: alertKeys.all }),
    onError: shownByTheForm,
  });
}

/** One alert (GET /api/alerts/{userId}/{alertId}), e.g. to edit it. */
export function useAlert(alertId: number) {
  const userId = useUserId();
  return useQuery({
    queryKey: alertKeys.one(userId, alertId),
    enabled: userId > 0 && alertId > 0,
    queryFn: () => unwrap(api.GET("/api/alerts/{userId}/{alertId}", { params: { path: { userId, alertId } } })),
  });
}

/** Saves an edited alert (PATCH: only the keys sent change); every alert view refreshes. */
export function useUpdateAlert() {
  const queryClient = useQueryClient();
  const userId = useUserId();
  return useMutation({
    mutationFn: ({ alertId, patch }: { alertId: number; patch: AlertPatch }) =>
      unwrap(api.PATCH("/api/alerts/{userId}/{alertId}", { params: { path: { userId, alertId } }, body: patch })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: alertKeys.all }),
    onError: shownByTheForm,
  });
}

export function useBacktest() {
  return useMutation({
    mutationFn: (body: BacktestIn) => unwrap(api.POST("/api/alerts/backtest", { body })),
    onError: shownByTheForm,
  });
}

type Action = "pause" | "resume" | "delete";

/** Pause, resume or delete one alert; the lists refresh and a toast says what happened. */
export function useAlertAction() {
  const queryClient = useQueryClient();
  const userId = useUserId();
  return useMutation({
    mutationFn: async ({ alert, action }: { alert: Alert; action: Action }) => {
      const path = { userId, alertId: alert.id };
      if (action === "delete") {
        // 204 without a body: not an envelope to unwrap.
        const { error, response } = await api.DELETE("/api/alerts/{userId}/{alertId}", { params: { path } });
        if (!response.ok) throw toApiError(response.status, error);
        return null;
      }
      return action === "pause"
        ? unwrap(api.POST("/api/alerts/{userId}/{alertId}/pause", { params: { path } }))
        : unwrap(api.POST("/api/alerts/{userId}/{alertId}/resume", { params: { path } }));
    },
    onSuccess: (_, { alert, action }) => {
      const done = action === "pause" ? "paused" : action === "resume" ? "resumed" : "deleted";
      useUi.getState().toast({ kind: "success", title: `Alert #${alert.id} ${done}` });
    },
    onError: (error, { action }) => toastError(error, `Could not ${action} the alert`),
    onSettled: () => queryClient.invalidateQueries({ queryKey: alertKeys.all }),
  });
}
