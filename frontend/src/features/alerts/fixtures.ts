import type { Alert } from "./types";

/** A stored alert for the tests (an ACTIVE "BTC-USD at or above 150,000"), with `patch` over it. */
export function alertFixture(patch: Partial<Alert> = {}): Alert {
  return {
    id: 1,
    userId: 7,
    symbol: "BTC-USD",
    condition: "PRICE_ABOVE",
    threshold: 150000,
    status: "ACTIVE",
    channels: ["IN_APP"],
    metadata: {},
    frequency: "ONCE",
    cooldownSeconds: 0,
    expiresAt: null,
    triggerCount: 0,
    confirmTicks: 1,
    confirmSeconds: 0,
    triggeredAt: null,
    createdAt: "2026-11-20T10:00:00Z",
    updatedAt: null,
    ...patch,
  };
}
