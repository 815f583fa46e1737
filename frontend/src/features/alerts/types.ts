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

export type AlertStatus = "ACTIVE" | "PAUSED" | "TRIGGERED" | "EXPIRED";
export const STATUSES: AlertStatus[] = ["ACTIVE", "PAUSED", "TRIGGERED", "EXPIRED"];

export const CHANNELS: Channel[] = ["IN_APP", "EMAIL", "SMS", "DISCORD", "TELEGRAM", "WEBHOOK"];

/** How a condition uses its numbers. */
export type ConditionKind = "level" | "cross" | "channel" | "move" | "movePercent" | "volume" | "series";

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
  // Judged every 5 minutes on the research figures (docs/API.md "Alerts on the research series"), not on ticks.
  { value: "FEAR_GREED_BELOW", label: "Fear & Greed below", kind: "series", group: "Research series" },
  { value: "FEAR_GREED_ABOVE", label: "Fear & Greed above", kind: "series", group: "Research series" },
  { value: "SENTIMENT_BELOW", label: "Sentiment below", kind: "series", group: "Research series" },
  { value: "SENTIMENT_ABOVE", label: "Sentiment above", kind: "series", group: "Research series" },
  { value: "WHALE_MOVEMENTS_ABOVE", label: "Whale movements above", kind: "series", group: "Research series" },
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

/** A research-series condition (Fear & Greed, sentiment, whale movements): judged on a figure, not a price. */
export function isSeriesCondition(condition: string): boolean {
  return conditionInfo(condition)?.kind === "series";
}

/** How a list names a condition: a research series by its label ("Fear & Greed below"), the rest as the API does. */
export function conditionText(condition: string): string {
  return isSeriesCondition(condition) ? (conditionInfo(condition)?.label ?? condition) : condition;
}

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
