import { useEffect, useRef, useState } from "react";

/** "up" or "down" for a moment after `value` rises or falls, then null. */
export function useFlash(value: number | null | undefined, ms = 700): "up" | "down" | null {
  const previous = useRef(value);
  const [flash, setFlash] = useState<"up" | "down" | null>(null);
  useEffect(() => {
    const before = previous.current;
    previous.current = value;
    if (value === null || value === undefined || before === null || before === undefined || value === before) return;
    setFlash(value > before ? "up" : "down");
    const timer = setTimeout(() => setFlash(null), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return flash;
}
