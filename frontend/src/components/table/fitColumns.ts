/** Which low-priority columns a table hides so that its key columns fit the width it has. */
import { useLayoutEffect, useRef, useState, type RefObject } from "react";

export interface MeasuredColumn {
  key: string;
  /** 1 is a key column (never hidden); higher numbers are hidden first. */
  priority: number;
  /** Its width, in px, with every column shown. */
  width: number;
}

/** The columns to hide so that the rest fit `available` px: highest priority number first, the rightmost of
 * a level first; never a key column (the table scrolls if the key columns alone are too wide). */
export function columnsToHide(columns: readonly MeasuredColumn[], available: number): Set<string> {
  const hidden = new Set<string>();
  let total = columns.reduce((sum, c) => sum + c.width, 0);
  const candidates = columns
    .map((c, index) => ({ ...c, index }))
    .filter((c) => c.priority > 1)
    .sort((a, b) => b.priority - a.priority || b.index - a.index);
  for (const c of candidates) {
    if (total <= available + 0.5) break;
    hidden.add(c.key);
    total -= c.width;
  }
  return hidden;
}

export interface Fit {
  /** The columns hidden to fit. */
  hidden: Set<string>;
  /** Whether the wrapper still scrolls (then it must be focusable, for keyboard users). */
  scrollable: boolean;
}

const NONE: Fit = { hidden: new Set(), scrollable: false };

/**
 * Measures the header cells with every column shown (`data-col` and `data-priority` on each `th`), then hides
 * what does not fit (unless `enabled` is false: then the table scrolls); again whenever the wrapper's width,
 * `signature` (a string that changes with the rows and columns shown) or `enabled` changes. Measuring and
 * hiding both run before the browser paints, so nothing flickers.
 */
export function useFitColumns(wrapRef: RefObject<HTMLElement | null>, signature: string, enabled: boolean): Fit {
  const [fit, setFit] = useState<Fit | null>(null); // null: measuring, every column shown
  const width = useRef(-1);

  const [measured, setMeasured] = useState(`${signature}|${enabled}`);
  if (measured !== `${signature}|${enabled}`) {
    setMeasured(`${signature}|${enabled}`);
    setFit(null);
  }

  useLayoutEffect(() => {
    const wrap = wrapRef.current;
    if (!wrap || fit !== null) return;
    width.current = wrap.clientWidth;
    // A table that fits is stretched to 100%: its cells' fractional widths may add up to a pixel more than
    // the wrapper's whole-pixel width, which must not count as overflowing.
    const table = wrap.querySelector("table");
    if (!enabled || !table || table.scrollWidth <= wrap.clientWidth + 1) {
      setFit({ hidden: new Set(), scrollable: false });
      return;
    }
    const measured = [...wrap.querySelectorAll<HTMLElement>("thead th[data-col]")].map((th) => ({
      key: th.dataset.col ?? "",
      priority: Number(th.dataset.priority ?? 1),
      width: th.getBoundingClientRect().width,
    }));
    setFit({ hidden: columnsToHide(measured, wrap.clientWidth), scrollable: false });
  }, [wrapRef, fit, enabled]);

  useLayoutEffect(() => {
    const wrap = wrapRef.current;
    if (!wrap || fit === null) return;
    const scrollable = wrap.scrollWidth > wrap.clientWidth + 1 || wrap.scrollHeight > wrap.clientHeight + 1;
    if (scrollable !== fit.scrollable) setFit({ ...fit, scrollable });
  }, [wrapRef, fit]);

  useLayoutEffect(() => {
    const wrap = wrapRef.current;
    if (!wrap || typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(() => {
      if (wrap.clientWidth !== width.current) setFit(null);
    });
    observer.observe(wrap);
    return () => observer.disconnect();
    // Observed again when the content changes: a table first rendered empty mounts its wrapper later.
  }, [wrapRef, signature]);

  return fit ?? NONE;
}
