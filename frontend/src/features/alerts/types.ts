import type { CatalogIndicator as ApiCatalogIndicator } from "@/api/indicators";
import type { components } from "@/api/schema";

/** Types of the alert screens: the generated schemas where the API declares them, small local ones where
 * it returns a loose `{[key: string]: unknown}` (history, metrics, backtest, the indicator catalog). */

export type Alert = components["schemas"]["AlertOut"];
export type AlertList = components["schemas"]["AlertList"];
export type AlertIn = components["schemas"]["AlertIn"];
export type BacktestIn = components["schemas"]["BacktestIn"];
export type Condition = AlertIn["condition"];
export type Channel = AlertIn["channels"][number];
export type Frequency = AlertIn["frequency"];
export type Notification = components["schemas"]["NotificationOut"];
export type NotificationPage = components["schemas"]["NotificationPage"];

export type AlertStatus = "ACTIVE" | "PAUSED" | "TRIGGERED" | "EXPIRED";
export const STATUSES: AlertStatus[] = ["ACTIVE", "PAUSED", "TRIGGERED", "EXPIRED"];

export const CHANNELS: Channel[] = ["IN_APP", "EMAIL", "SMS", "DISCORD", "TELEGRAM", "WEBHOOK"];

/** How a condition uses its numbers. */
export type ConditionKind = "level" | "cross" | "channel" | "move" | "movePercent" | "volume";

export interface ConditionInfo {
  value: Condition;
  label: string;
  kind: ConditionKind;
  group: string;
}

export const CONDITIONS: ConditionInfo[] = [
  { value: "PRICE_ABOVE", label: "At or above", kind: "level", group: "Level" },
  { value: "PRICE_BELOW", label: "At or below", kind: "level", group: "Level" },
  { value: "GREATER_THAN", label: "Strictly above", kind: "level", group: "Level" },
  { value: "LESS_THAN", label: "Strictly below", kind: "level", group: "Level" },
  { value: "CROSSING", label: "Crosses (either way)", kind: "cross", group: "Crossing" },
  { value: "CROSSING_UP", label: "Crosses up", kind: "cross", group: "Crossing" },
  { value: "CROSSING_DOWN", label: "Crosses down", kind: "cross", group: "Crossing" },
  { value: "ENTERING_CHANNEL", label: "Enters channel", kind: "channel", group: "Channel" },
  { value: "EXITING_CHANNEL", label: "Exits channel", kind: "channel", group: "Channel" },
  { value: "INSIDE_CHANNEL", label: "Inside channel", kind: "channel", group: "Channel" },
  { value: "OUTSIDE_CHANNEL", label: "Outside channel", kind: "channel", group: "Channel" },
  { value: "MOVING_UP", label: "Moves up by", kind: "move", group: "Move" },
  { value: "MOVING_DOWN", label: "Moves down by", kind: "move", group: "Move" },
  { value: "MOVING_UP_PERCENT", label: "Moves up by %", kind: "movePercent", group: "Move" },
  { value: "MOVING_DOWN_PERCENT", label: "Moves down by %", kind: "movePercent", group: "Move" },
  { value: "VOLUME_SPIKE", label: "Volume spike", kind: "volume", group: "Volume" },
];

export const FREQUENCIES: { value: Frequency; label: string }[] = [
  { value: "ONCE", label: "Once (then TRIGGERED)" },
  { value: "EVERY_TIME", label: "Every time (with cooldown)" },
  { value: "ONCE_PER_BAR", label: "Once per bar" },
  { value: "ONCE_PER_BAR_CLOSE", label: "Once per bar close" },
];

export function conditionInfo(condition: string): ConditionInfo | undefined {
  return CONDITIONS.find((c) => c.value === condition);
}

/** A built-in indicator (GET /api/indicators) as the rule reads it: its name, parameters and outputs. */
export type CatalogIndicator = Pick<ApiCatalogIndicator, "name" | "params" | "outputs"> & Partial<ApiCatalogIndicator>;

/** GET /api/alerts/{userId}/history */
export interface Delivery {
  channel: string;
  status: string;
  attempts: number;
  latencyMs: number | null;
  lastError: string | null;
}

export interface Trigger {
  triggerId: string;
  alertId: number;
  symbol: string;
  condition: string;
  price: number;
  threshold: number | null;
  direction: "UP" | "DOWN";
  tickAt: string;
  source: string | null;
  firedAt: string;
  channels: Delivery[];
}

export interface History {
  triggers: Trigger[];
  count: number;
}

/** GET /api/alerts/{userId}/metrics */
export interface ChannelMetrics {
  sent: number;
  delivered: number;
  failed: number;
  pending: number;
  successRate: number | null;
  latencyMs: { p50: number | null; p99: number | null };
}

export interface Accuracy {
  judged: number;
  correct: number;
  rate: number | null;
}

export interface Metrics {
  triggers: { total: number; bySymbol: Record<string, number> };
  channels: Record<string, ChannelMetrics>;
  accuracy: Partial<Record<"1h" | "24h", Accuracy>>;
  from?: string | null;
  to?: string | null;
}

/** POST /api/alerts/backtest */
export type Horizon = "1h" | "24h" | "7d";
export const HORIZONS: Horizon[] = ["1h", "24h", "7d"];

export interface BacktestTrigger {
  timestamp: string;
  price: number;
  value: number;
  direction: "UP" | "DOWN";
  returns: Partial<Record<Horizon, number | null>>;
}

export interface HorizonSummary {
  judged: number;
  meanReturn: number | null;
  medianReturn: number | null;
  inDirection: number | null;
}

export interface BacktestResult {
  symbol: string;
  condition: string;
  operand: string;
  timeframe: string;
  evaluatedOn: "BAR_CLOSES" | "MINUTE_CLOSES";
  from: string;
  to: string;
  bars: number;
  count: number;
  triggers: BacktestTrigger[];
  summary: Partial<Record<Horizon, HorizonSummary>>;
}
