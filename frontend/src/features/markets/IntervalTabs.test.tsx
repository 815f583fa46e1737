import { fireEvent, render, screen } from "@testing-library/react";
import { useState } from "react";
import type { Interval } from "@/lib/intervals";
import { IntervalTabs } from "./IntervalTabs";

function Controlled({ onChange }: { onChange: (interval: Interval) => void }) {
  const [value, setValue] = useState<Interval>("1h");
  return (
    <IntervalTabs
      value={value}
      onChange={(next) => {
        setValue(next);
        onChange(next);
      }}
    />
  );
}

const radio = (name: string) => screen.getByRole("radio", { name });

describe("IntervalTabs", () => {
  it("is a radio group with one tab stop, the chosen interval", () => {
    render(<Controlled onChange={vi.fn()} />);
    expect(screen.getByRole("radiogroup", { name: "Candle interval" })).toBeInTheDocument();
    expect(radio("1h")).toHaveAttribute("aria-checked", "true");
    expect(radio("1h")).toHaveAttribute("tabindex", "0");
    for (const other of ["1m", "5m", "15m", "4h", "1d"]) {
      expect(radio(other)).toHaveAttribute("aria-checked", "false");
      expect(radio(other)).toHaveAttribute("tabindex", "-1");
    }
  });

  it("moves focus and the choice with the arrow keys, Home and End, wrapping around", () => {
    const onChange = vi.fn();
    render(<Controlled onChange={onChange} />);
    radio("1h").focus();
    fireEvent.keyDown(radio("1h"), { key: "ArrowRight" });
    expect(onChange).toHaveBeenLastCalledWith("4h");
    expect(radio("4h")).toHaveFocus();
    expect(radio("4h")).toHaveAttribute("tabindex", "0");
    fireEvent.keyDown(radio("4h"), { key: "End" });
    expect(radio("1d")).toHaveFocus();
    fireEvent.keyDown(radio("1d"), { key: "ArrowRight" });
    expect(radio("1m")).toHaveFocus();
    fireEvent.keyDown(radio("1m"), { key: "ArrowLeft" });
    expect(radio("1d")).toHaveFocus();
    fireEvent.keyDown(radio("1d"), { key: "Home" });
    expect(radio("1m")).toHaveFocus();
    expect(radio("1m")).toHaveAttribute("aria-checked", "true");
    expect(onChange.mock.calls.map((c) => c[0] as string)).toEqual(["4h", "1d", "1m", "1d", "1m"]);
    fireEvent.keyDown(radio("1m"), { key: "a" });
    expect(onChange).toHaveBeenCalledTimes(5);
  });

  it("moves from the focused interval when keys come faster than the page re-renders", () => {
    // The URL holds the interval, so the chosen one changes a render later: Home then ArrowLeft at once.
    const onChange = vi.fn();
    render(<IntervalTabs value="1h" onChange={onChange} />);
    radio("1h").focus();
    fireEvent.keyDown(radio("1h"), { key: "Home" });
    expect(radio("1m")).toHaveFocus();
    fireEvent.keyDown(radio("1m"), { key: "ArrowLeft" });
    expect(onChange.mock.calls).toEqual([["1m"], ["1d"]]);
    expect(radio("1d")).toHaveFocus();
  });
});
