import { act, render, screen } from "@testing-library/react";
import { Toasts } from "@/components/Toasts";
import { useUi } from "@/stores/ui";
import { alertToast } from "./alertToast";

const event = { type: "ALERT_TRIGGERED", eventId: "7", alertId: 3, symbol: "BTC-USD", currentPrice: 39500, threshold: 40000 };

describe("the ALERT_TRIGGERED toast", () => {
  it("says fell to for a fall and rose to for a rise", () => {
    expect(alertToast({ ...event, direction: "DOWN" }).title).toBe("BTC-USD fell to 39,500.00");
    expect(alertToast({ ...event, direction: "UP" }).title).toBe("BTC-USD rose to 39,500.00");
    expect(alertToast({ ...event, direction: "UP" }).body).toBe("Alert #3 (threshold 40,000.00)");
  });
  it("claims no move when the event has no direction", () => {
    expect(alertToast(event).title).toBe("BTC-USD is at 39,500.00");
    expect(alertToast({ ...event, direction: "SIDEWAYS" }).title).toBe("BTC-USD is at 39,500.00");
  });
  it("names the portfolio and what a risk alert measured", () => {
    const drift = {
      ...event,
      symbol: "PORTFOLIO",
      portfolioId: 4,
      portfolioName: "Core",
      condition: "ALLOCATION_DRIFT",
      summary: "BTC-USD is 51.0% against a 45.0% target (band ±5.0%)",
    };
    expect(alertToast(drift)).toEqual({
      kind: "alert",
      title: "Core: allocation drift",
      body: "BTC-USD is 51.0% against a 45.0% target (band ±5.0%) (alert #3)",
    });
  });
  it("names the pattern, not a threshold, for a pattern alert", () => {
    const pattern = {
      ...event,
      threshold: null,
      currentPrice: 95128.59,
      condition: "PATTERN_DETECTED",
      summary: "Engulfing (bullish) on the 1h bar closing 2025-01-02 01:00 UTC",
    };
    expect(alertToast(pattern)).toEqual({
      kind: "alert",
      title: "BTC-USD: Engulfing (bullish) on the 1h bar closing 2025-01-02 01:00 UTC",
      body: "Close 95,128.59 (alert #3)",
    });
  });
  it("is shown as such by the toasts", () => {
    render(<Toasts />);
    act(() => useUi.getState().toast(alertToast({ ...event, direction: "DOWN" })));
    expect(screen.getByTestId("toast-alert")).toHaveTextContent("BTC-USD fell to 39,500.00");
    expect(screen.queryByText(/rose to/)).toBeNull();
  });
});
