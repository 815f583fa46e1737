import { useRef, type KeyboardEvent } from "react";

/** Where an arrow, Home or End key moves a choice among `count` items (wrapping around), or null for others. */
export function rovingTarget(key: string, at: number, count: number): number | null {
  const last = count - 1;
  if (key === "ArrowRight" || key === "ArrowDown") return at >= last ? 0 : at + 1;
  if (key === "ArrowLeft" || key === "ArrowUp") return at <= 0 ? last : at - 1;
  if (key === "Home") return 0;
  if (key === "End") return last;
  return null;
}

/**
 * Keyboard for a one-of-many group with a roving tab stop (tabs, radio groups): the group is one stop (the
 * chosen item, `tabIndex` from `tabIndexOf`) and the keys above move focus and the choice together.
 */
export function useRoving(count: number, chosen: number, choose: (index: number) => void) {
  const items = useRef<(HTMLElement | null)[]>([]);
  return {
    onKeyDown: (event: KeyboardEvent) => {
      // From the focused item, not the last rendered choice: keys pressed faster than the page re-renders
      // (Home then ArrowLeft) would otherwise move from a choice already left.
      const focused = items.current.indexOf(event.target as HTMLElement);
      const next = rovingTarget(event.key, focused >= 0 ? focused : chosen, count);
      if (next === null) return;
      event.preventDefault();
      items.current[next]?.focus();
      choose(next);
    },
    ref: (index: number) => (element: HTMLElement | null) => {
      items.current[index] = element;
    },
    tabIndexOf: (index: number) => (index === chosen ? 0 : -1),
  };
}
