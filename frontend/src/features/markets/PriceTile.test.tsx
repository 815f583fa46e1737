import { act, fireEvent, render, screen } from "@testing-library/react";
import type { Quote } from "@/realtime/socket";
import { PriceTile } from "./PriceTile";

const quote = (price: number, change24h: number | null = 0.0213, volume24h: number | null = 15_340): Quote => ({
  price,
  change24h,
  volume24h,
  timestamp: "2026-11-24T05:52:10.112954Z",
});

function tile(q: Quote | undefined, handlers: { onSelect?: () => void; onRemove?: () => void } = {}) {
  return (
    <PriceTile
      symbol="BTC-USD"
      name="Bitcoin"
      quote={q}
      selected={false}
      onSelect={handlers.onSelect ?? (() => {})}
      onRemove={handlers.onRemove}
    />
  );
}

describe("PriceTile", () => {
  afterEach(() => vi.useRealTimers());

  it("formats the price, the signed 24h change in green and the compact volume", () => {
    render(tile(quote(76168.184)));
    expect(screen.getByTestId("tile-price")).toHaveTextContent("76,168.18");
    const change = screen.getByTestId("tile-change");
    expect(change).toHaveTextContent("▲ +2.13%");
    expect(change).toHaveClass("up");
    expect(screen.getByText("Vol 24h 15.34K")).toBeInTheDocument();
  });

  it("shows a fall in red and small prices with more digits", () => {
    render(tile(quote(0.000123456, -0.0074)));
    expect(screen.getByTestId("tile-price")).toHaveTextContent("0.00012346");
    const change = screen.getByTestId("tile-change");
    expect(change).toHaveTextContent("▼ -0.74%");
    expect(change).toHaveClass("down");
  });

  it("waits for a first price with dashes", () => {
    render(tile(undefined));
    expect(screen.getByTestId("tile-price")).toHaveTextContent("–");
    expect(screen.getByText("waiting for a price…")).toBeInTheDocument();
  });

  it("flashes green on a rise and red on a fall, briefly", () => {
    vi.useFakeTimers();
    const { rerender } = render(tile(quote(100)));
    const box = screen.getByTestId("tile-BTC-USD");
    expect(box).not.toHaveClass("flash-up");

    rerender(tile(quote(101)));
    expect(box).toHaveClass("flash-up");
    act(() => {
      vi.advanceTimersByTime(800);
    });
    expect(box).not.toHaveClass("flash-up");

    rerender(tile(quote(99.5)));
    expect(box).toHaveClass("flash-down");
    act(() => {
      vi.advanceTimersByTime(800);
    });
    expect(box).not.toHaveClass("flash-down");

    rerender(tile(quote(99.5, 0.01))); // same price, other fields changed: no flash
    expect(box.className).not.toMatch(/flash-/);
  });

  it("selects on click and removes with its own button", () => {
    const onSelect = vi.fn();
    const onRemove = vi.fn();
    render(tile(quote(1), { onSelect, onRemove }));
    fireEvent.click(screen.getByRole("button", { name: /^BTC-USD/ }));
    expect(onSelect).toHaveBeenCalledWith("BTC-USD");
    fireEvent.click(screen.getByRole("button", { name: "Remove BTC-USD from the watchlist" }));
    expect(onRemove).toHaveBeenCalledWith("BTC-USD");
  });
});
