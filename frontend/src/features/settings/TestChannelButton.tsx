import { useMutation, useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import { ApiError } from "@/api/errors";
import type { components } from "@/api/schema";
import { toastError } from "@/stores/ui";

type Notification = components["schemas"]["NotificationOut"];
type Channel = "EMAIL" | "SMS" | "DISCORD" | "TELEGRAM" | "WEBHOOK" | "IN_APP";
const FINAL = ["DELIVERED", "FAILED"];

/** Follows a queued test message until the outbox delivers it or gives up. */
function useDelivery(channel: Channel, queued: Notification | undefined) {
  return useQuery({
    queryKey: ["notifications", "test", queued?.id],
    enabled: Boolean(queued),
    queryFn: async () => {
      const page = await unwrap(
        api.GET("/api/notifications", { params: { query: { channel, limit: 50 } } }),
      );
      return page.notifications.find((n) => n.id === queued?.id) ?? queued ?? null;
    },
    refetchInterval: (query) => (query.state.data && FINAL.includes(query.state.data.status) ? false : 2000),
  });
}

/** "Send test" for one channel: shows queued → delivered/failed, or the API's reason it cannot. */
export function TestChannelButton({ channel, label }: { channel: Channel; label: string }) {
  const send = useMutation({
    mutationFn: () => unwrap(api.POST("/api/notifications/test", { body: { channel } })),
    onError: (error) => {
      if (!(error instanceof ApiError && error.status === 422)) toastError(error, `Could not test ${label}`);
    },
  });
  const delivery = useDelivery(channel, send.data);
  const current = delivery.data ?? send.data;
  const id = `test-${channel}-result`;

  let result = null;
  if (send.isError) {
    result = (
      <span className="field-error" role="alert">
        {send.error.message}
      </span>
    );
  } else if (current) {
    const status = current.status;
    result = (
      <span role="status">
        <span className={`pill pill-${status}`}>{status.toLowerCase()}</span>{" "}
        <span className="muted">
          {status === "DELIVERED"
            ? [
                current.latencyMs !== null ? `in ${Math.round(current.latencyMs)} ms` : "",
                current.lastResponse?.startsWith("local mailbox") ? "to your local mailbox (Alerts → Inbox)" : "",
              ]
                .filter(Boolean)
                .join(" ")
            : status === "FAILED"
              ? (current.lastError ?? "failed")
              : "test queued"}
        </span>
      </span>
    );
  }

  return (
    <div className="test-channel">
      <button
        type="button"
        onClick={() => send.mutate()}
        disabled={send.isPending}
        aria-label={`Send test to ${label}`}
        aria-describedby={result ? id : undefined}
      >
        {send.isPending ? "Sending…" : "Send test"}
      </button>
      <span id={id} className="test-result" aria-live="polite">
        {result}
      </span>
    </div>
  );
}
