import { create } from "zustand";
import { refreshTokens } from "@/api/client";
import { useAuth } from "@/stores/auth";

export interface Quote {
  price: number;
  change24h: number | null;
  volume24h: number | null;
  /** Where the newest tick came from: `replay`, `simulator` (made-up prices), `peg`, a live feed. */
  source?: string | undefined;
  timestamp: string;
}

export interface UserEvent {
  type: string;
  eventId?: string;
  [key: string]: unknown;
}

type Status = "idle" | "connecting" | "open" | "reconnecting";

interface LiveState {
  status: Status;
  quotes: Record<string, Quote>;
}

/** Live prices and the connection's state, fed by the one WebSocket of the session. */
export const useLive = create<LiveState>(() => ({ status: "idle", quotes: {} }));

const listeners = new Set<(event: UserEvent) => void>();
const wanted = new Map<string, number>(); // symbol -> how many views want it
let socket: WebSocket | null = null;
let userId: number | null = null;
let retry = 0;
let timer: ReturnType<typeof setTimeout> | undefined;

const lastKey = (id: number) => `cryptomon.lastEventId.${id}`;

/** Called with every user event (ALERT_TRIGGERED, ...), live or replayed after a reconnect. */
export function onUserEvent(listener: (event: UserEvent) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function send(message: object): void {
  if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
}

/** Ask for PRICE_UPDATEs of these symbols while the returned function is not called. */
export function watchSymbols(symbols: string[]): () => void {
  const fresh = symbols.filter((s) => {
    const n = wanted.get(s) ?? 0;
    wanted.set(s, n + 1);
    return n === 0;
  });
  if (fresh.length) send({ action: "subscribe", symbols: fresh });
  return () => {
    const gone = symbols.filter((s) => {
      const n = (wanted.get(s) ?? 1) - 1;
      if (n <= 0) wanted.delete(s);
      else wanted.set(s, n);
      return n <= 0;
    });
    if (gone.length) send({ action: "unsubscribe", symbols: gone });
  };
}

// The default market sends a few ticks a second for each of ~30 symbols: quotes are applied once per frame, so a
// screen renders at most at the display's rate (a few times a second in a hidden tab), whatever the tick rate.
let pending: Record<string, Quote> = {};
let flushQueued = false;

function flushQuotes(): void {
  flushQueued = false;
  const batch = pending;
  pending = {};
  useLive.setState((s) => ({ quotes: { ...s.quotes, ...batch } }));
}

function queueQuote(symbol: string, quote: Quote): void {
  pending[symbol] = quote;
  if (flushQueued) return;
  flushQueued = true;
  if (typeof requestAnimationFrame === "function" && document.visibilityState === "visible") {
    requestAnimationFrame(flushQuotes);
  } else {
    setTimeout(flushQuotes, 250);
  }
}

function url(id: number, token: string): string {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const last = localStorage.getItem(lastKey(id));
  const resume = last ? `&lastEventId=${encodeURIComponent(last)}` : "";
  return `${scheme}://${location.host}/ws/alerts/${id}?token=${encodeURIComponent(token)}${resume}`;
}

function open(): void {
  const { tokens, user } = useAuth.getState();
  if (!tokens || !user) return;
  userId = user.id;
  useLive.setState({ status: retry ? "reconnecting" : "connecting" });
  const ws = new WebSocket(url(user.id, tokens.accessToken));
  socket = ws;
  ws.onopen = () => {
    retry = 0;
    useLive.setState({ status: "open" });
    if (wanted.size) send({ action: "subscribe", symbols: [...wanted.keys()] });
  };
  ws.onmessage = (message) => {
    const frame = JSON.parse(String(message.data)) as UserEvent;
    if (frame.type === "PRICE_UPDATE") {
      queueQuote(String(frame.symbol), {
        price: Number(frame.price),
        change24h: (frame.change24h as number | null) ?? null,
        volume24h: (frame.volume24h as number | null) ?? null,
        source: typeof frame.source === "string" ? frame.source : undefined,
        timestamp: String(frame.timestamp),
      });
      return;
    }
    if (frame.eventId && userId !== null) localStorage.setItem(lastKey(userId), String(frame.eventId));
    listeners.forEach((listener) => listener(frame));
  };
  ws.onclose = async (event) => {
    if (socket !== ws) return; // replaced or stopped on purpose
    socket = null;
    if (event.code === 4401) await refreshTokens(); // the access token expired: a fresh one, then again
    if (!useAuth.getState().tokens) {
      useLive.setState({ status: "idle" });
      return;
    }
    retry += 1;
    useLive.setState({ status: "reconnecting" });
    const delay = Math.min(30_000, 500 * 2 ** Math.min(retry, 6)) * (0.5 + Math.random() / 2);
    timer = setTimeout(open, delay);
  };
}

/** Open the session's socket (once signed in); reconnects by itself, resuming after the last event seen. */
export function startRealtime(): () => void {
  clearTimeout(timer);
  if (!socket) open();
  return stopRealtime;
}

export function stopRealtime(): void {
  clearTimeout(timer);
  const ws = socket;
  socket = null;
  ws?.close(1000);
  useLive.setState({ status: "idle" });
}
