/** The toast for an ALERT_TRIGGERED event, worded by the way the price moved. */
import { formatPrice } from "@/lib/format";
import type { Toast } from "@/stores/ui";
import type { UserEvent } from "./socket";

const VERBS: Record<string, string> = { UP: "rose to", DOWN: "fell to" };

export function alertToast(event: UserEvent): Omit<Toast, "id"> {
  // An event without a known direction (stored before it was sent) gets a wording that claims no move.
  const verb = typeof event.direction === "string" ? (VERBS[event.direction] ?? "is at") : "is at";
  return {
    kind: "alert",
    title: `${String(event.symbol)} ${verb} ${formatPrice(Number(event.currentPrice))}`,
    body: `Alert #${String(event.alertId)} (threshold ${formatPrice(Number(event.threshold))})`,
  };
}
