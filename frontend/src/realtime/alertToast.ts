/** The toast for an ALERT_TRIGGERED event, worded by the way the price moved; a portfolio's risk alert says
 * which portfolio and what it measured. */
import { formatPrice } from "@/lib/format";
import type { Toast } from "@/stores/ui";
import type { UserEvent } from "./socket";

const VERBS: Record<string, string> = { UP: "rose to", DOWN: "fell to" };

export function alertToast(event: UserEvent): Omit<Toast, "id"> {
  if (event.portfolioId !== undefined) return portfolioToast(event);
  if (event.condition === "PATTERN_DETECTED") return patternToast(event);
  // An event without a known direction (stored before it was sent) gets a wording that claims no move.
  const verb = typeof event.direction === "string" ? (VERBS[event.direction] ?? "is at") : "is at";
  return {
    kind: "alert",
    title: `${String(event.symbol)} ${verb} ${formatPrice(Number(event.currentPrice))}`,
    body: `Alert #${String(event.alertId)} (threshold ${formatPrice(Number(event.threshold))})`,
  };
}

const RISK_TITLES: Record<string, string> = {
  ALLOCATION_DRIFT: "allocation drift",
  DRAWDOWN_BELOW: "drawdown",
  VAR_BREACH: "loss beyond VaR",
  VALUE_ABOVE: "value above",
  VALUE_BELOW: "value below",
};

function portfolioToast(event: UserEvent): Omit<Toast, "id"> {
  const name = typeof event.portfolioName === "string" ? event.portfolioName : `Portfolio #${String(event.portfolioId)}`;
  const what = RISK_TITLES[String(event.condition)] ?? "risk alert";
  return {
    kind: "alert",
    title: `${name}: ${what}`,
    body: `${typeof event.summary === "string" ? event.summary : ""} (alert #${String(event.alertId)})`.trim(),
  };
}

/** A pattern has no threshold: the toast says which pattern closed on which bar. */
function patternToast(event: UserEvent): Omit<Toast, "id"> {
  const summary = typeof event.summary === "string" ? event.summary : "pattern detected";
  return {
    kind: "alert",
    title: `${String(event.symbol)}: ${summary}`,
    body: `Close ${formatPrice(Number(event.currentPrice))} (alert #${String(event.alertId)})`,
  };
}
