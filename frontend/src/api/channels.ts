import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "./client";
import type { components } from "./schema";

/** Which notification channels can reach the signed-in user, and where EMAIL goes and how
 * (GET /api/notifications/channels): read by Settings and by the inbox's mailbox. */

export type EmailSetup = components["schemas"]["EmailSetup"];
export type ChannelStatus = components["schemas"]["ChannelStatus"];

/** Under ["notifications"]: refreshed with the other notification queries; Settings refreshes it on save. */
export const CHANNEL_STATUS_KEY = ["notifications", "channels"] as const;

export function useChannelStatus() {
  return useQuery({ queryKey: CHANNEL_STATUS_KEY, queryFn: () => unwrap(api.GET("/api/notifications/channels")) });
}
