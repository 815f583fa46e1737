import { useEffect } from "react";
import { watchSymbols } from "@/realtime/socket";

/** Live PRICE_UPDATEs for these symbols while the calling component is mounted. */
export function useWatchSymbols(symbols: string[]): void {
  const key = [...new Set(symbols)].sort().join(",");
  useEffect(() => {
    if (!key) return;
    return watchSymbols(key.split(","));
  }, [key]);
}
