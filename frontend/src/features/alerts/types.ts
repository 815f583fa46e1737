import type { CatalogIndicator as ApiCatalogIndicator } from "@/api/indicators";
import type { components } from "@/api/schema";

/** Types of the alert screens: aliases of the generated OpenAPI schemas, and the screens' own choices. */

export type Alert = components["schemas"]["AlertOut"];
export type AlertList = components["schemas"]["AlertList"];
export type AlertIn = components["schemas"]["AlertIn"];
export type AlertPatch = components["schemas"]["AlertPatch"];
export type BacktestIn = components["schemas"]["BacktestIn"];
export type Condition = AlertIn["condition"];
export type Channel = AlertIn["channels"][number];
export type Frequency = AlertIn["frequency"];
export type Notification = components["schemas"]["NotificationOut"];
export type NotificationPage = components["schemas"]["NotificationPage"];
export type MailboxPage = components["schemas"]["MailboxPage"];
export type Mail = MailboxPage["messages"][number];

export type { AlertStatus } from "@/api/alerts";
import type { AlertStatus } from "@/api/alerts";
export const STATUSES: AlertStatus[] = ["ACTIVE", "PAUSED", "TRIGGERED", "EXPIRED"];

export const CHANNELS: Channel[] = ["IN_APP", "EMAIL", "SMS", "DISCORD", "TELEGRAM", "WEBHOOK"];

export const FREQUENCIES: { value: Frequency; label: string }[] = [
  { value: "ONCE", label: "Once (then TRIGGERED)" },
  { value: "EVERY_TIME", label: "Every time (with cooldown)" },
  { value: "ONCE_PER_BAR", label: "Once per bar" },
  { value: "ONCE_PER_BAR_CLOSE", label: "Once per bar close" },
];

// The conditions table lives in src/lib/alertRule.ts, shared with the community's shared alerts.
export { CONDITIONS, conditionInfo, conditionText, isSeriesCondition, type ConditionInfo, type ConditionKind } from "@/lib/alertRule";

/** A built-in indicator (GET /api/indicators) as the rule reads it: its name, parameters and outputs. */
type ApiParam = ApiCatalogIndicator["params"][number];
export type CatalogIndicator = Pick<ApiCatalogIndicator, "name" | "outputs"> & {
  params: (Pick<ApiParam, "name" | "default"> & Partial<ApiParam>)[];
} & Partial<Omit<ApiCatalogIndicator, "params">>;

/** GET /api/alerts/{userId}/history */
export type Delivery = components["schemas"]["Delivery"];
export type Trigger = components["schemas"]["TriggerOut"];
export type History = components["schemas"]["AlertHistory"];

/** GET /api/alerts/{userId}/metrics */
export type ChannelMetrics = components["schemas"]["ChannelMetrics"];
export type Accuracy = components["schemas"]["Accuracy"];
export type Metrics = components["schemas"]["AlertMetrics"];

/** POST /api/alerts/backtest */
export type Horizon = "1h" | "24h" | "7d";
export const HORIZONS: Horizon[] = ["1h", "24h", "7d"];

export type BacktestTrigger = components["schemas"]["BacktestTrigger"];
export type HorizonSummary = components["schemas"]["HorizonSummary"];
export type BacktestResult = components["schemas"]["AlertBacktestOut"];
