import { api, unwrap } from "./client";

/** The user's alerts (GET /api/alerts/{userId}): the alert list and the community's attachment picker. Keys start
 * with ["alerts"], which the app shell invalidates on every ALERT_TRIGGERED. */

export type AlertStatus = "ACTIVE" | "PAUSED" | "TRIGGERED" | "EXPIRED";

export interface ListFilters {
  status?: AlertStatus;
  symbol?: string;
  from?: string;
  to?: string;
}

export const alertListKey = (userId: number, filters: ListFilters) => ["alerts", userId, "list", filters] as const;

export const fetchAlerts = (userId: number, filters: ListFilters) =>
  unwrap(
    api.GET("/api/alerts/{userId}", {
      params: {
        path: { userId },
        query: {
          status: filters.status ?? null,
          symbol: filters.symbol || null,
          from: filters.from ?? null,
          to: filters.to ?? null,
        },
      },
    }),
  );
