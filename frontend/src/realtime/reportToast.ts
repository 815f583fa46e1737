/** The toast for a report's ANALYSIS_COMPLETE. The fundamental analysis sends that type too, with an `analysisId`
 * and no `reportId`: its screen follows it by itself, so it gets no toast. */
import type { Toast } from "@/stores/ui";
import type { UserEvent } from "./socket";

/** The Reports screen with this report highlighted. */
export const reportLink = (reportId: string) => `/reports?${new URLSearchParams({ report: reportId }).toString()}`;

/** The report an event is about, when it is a report's ANALYSIS_COMPLETE. */
export function reportOf(event: UserEvent): { reportId: string; status: string } | null {
  if (event.type !== "ANALYSIS_COMPLETE" || typeof event.reportId !== "string") return null;
  return { reportId: event.reportId, status: typeof event.status === "string" ? event.status : "" };
}

const TYPE_NAMES: Record<string, string> = {
  DAILY: "daily",
  WEEKLY: "weekly",
  MONTHLY: "monthly",
  COMPREHENSIVE: "comprehensive",
  PORTFOLIO: "portfolio",
  BACKTEST: "backtest",
};

export function reportToast(event: UserEvent): Omit<Toast, "id"> | null {
  const report = reportOf(event);
  if (!report) return null;
  const { reportId, status } = report;
  const what = [TYPE_NAMES[String(event.reportType)], typeof event.format === "string" ? event.format : null].filter(Boolean).join(" ");
  const open = { label: "Open", ariaLabel: `Open report ${reportId}`, to: reportLink(reportId) };
  if (status === "READY") {
    const download = typeof event.downloadUrl === "string" ? event.downloadUrl : null;
    return {
      kind: "success",
      title: `Report ${reportId} is ready`,
      ...(what ? { body: `Your ${what} report.` } : {}),
      actions: download ? [{ label: "Download", ariaLabel: `Download report ${reportId}`, href: download }, open] : [open],
    };
  }
  return {
    kind: "error",
    title: `Report ${reportId} failed`,
    body: typeof event.error === "string" && event.error ? event.error : "No reason was given.",
    actions: [open],
  };
}

/**
 * A toast per report outcome, once: a report delivered IN_APP reaches the socket twice (the live event, and the
 * in-app notification that repeats it).
 */
export function reportToaster(): (event: UserEvent) => Omit<Toast, "id"> | null {
  const seen = new Set<string>();
  return (event) => {
    const report = reportOf(event);
    if (!report) return null;
    const key = `${report.reportId}:${report.status}`;
    if (seen.has(key)) return null;
    seen.add(key);
    return reportToast(event);
  };
}
