/**
 * Test helpers: a fake API on the fetch mock of ./setup.ts, a render with the app's providers, and fixtures.
 * The fake API takes either replies to wrap in the API's envelope (`mockApi`) or whole Responses (`serve`).
 */
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ReactElement } from "react";
import { MemoryRouter, Route, Routes } from "react-router-dom";

/** A request the fake API received. `route` is "METHOD /path", without the query (that is in `search`). */
export interface Call {
  method: string;
  route: string;
  url: URL;
  search: URLSearchParams;
  body: unknown;
}

/** Answer every fetch with `handle`, recording the calls. */
function fakeFetch(handle: (call: Call, request: Request) => Response | Promise<Response>): Call[] {
  const calls: Call[] = [];
  vi.mocked(fetch).mockImplementation(async (input, init) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const url = new URL(request.url);
    const text = await request.clone().text();
    const call: Call = {
      method: request.method,
      route: `${request.method} ${url.pathname}`,
      url,
      search: url.searchParams,
      body: text ? JSON.parse(text) : undefined,
    };
    calls.push(call);
    return handle(call, request);
  });
  return calls;
}

const json = (body: unknown, status: number) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

const errorEnvelope = (code: string, message: string, field?: string, details?: { field: string; message: string }[]) => ({
  status: "error",
  code,
  message,
  ...(field ? { field } : {}),
  ...(details ? { details } : {}),
});

/** A success envelope. */
export const ok = (data: unknown, status = 200): Response =>
  json({ status: "success", data, timestamp: "2026-11-24T00:00:00Z" }, status);

/** An error envelope. */
export const fail = (status: number, code: string, message: string, field?: string): Response =>
  json(errorEnvelope(code, message, field), status);

export type Handler = (request: Request, body: unknown) => Response | Promise<Response>;

/** Route fetch to handlers keyed "METHOD /path" (no query string); unrouted calls get a 404. */
export function serve(routes: Record<string, Handler>): { calls: Call[] } {
  const calls = fakeFetch((call, request) => {
    const handler = routes[call.route];
    return handler ? handler(request, call.body) : fail(404, "NOT_FOUND", `No mock for ${call.route}`);
  });
  return { calls };
}

export interface Reply {
  status?: number;
  body: unknown;
  /** Send `body` as it is (a file), with these headers. */
  raw?: boolean;
  headers?: Record<string, string>;
}
export type MockRoute = Reply | ((call: Call) => Reply);

/**
 * Route fetch with replies keyed like `"GET /api/market/symbols"`. A body is wrapped in the success envelope unless
 * it is an envelope already or `raw` is set. Unrouted calls get a 404. Returns the calls made.
 */
export function mockApi(routes: Record<string, MockRoute>): Call[] {
  return fakeFetch((call) => {
    const mock = routes[call.route];
    if (!mock) return fail(404, "NOT_FOUND", `no mock for ${call.route}`);
    const reply = typeof mock === "function" ? mock(call) : mock;
    const { status = 200 } = reply;
    if (reply.raw) return new Response(reply.body as BodyInit, { status, headers: reply.headers ?? {} });
    const kind = (reply.body as { status?: unknown } | null)?.status;
    return json(kind === "success" || kind === "error" ? reply.body : { status: "success", data: reply.body }, status);
  });
}

/** An error reply for `mockApi`. */
export const apiError = (status: number, code: string, message: string, field?: string, details?: { field: string; message: string }[]) => ({
  status,
  body: errorEnvelope(code, message, field, details),
});

/**
 * Render in a fresh QueryClient (no retries) and a router at `path`. With `route`, `ui` is the element of that
 * route and any other path shows "elsewhere" (where a redirect went).
 */
export function renderWithProviders(ui: ReactElement, { path = "/", route }: { path?: string; route?: string } = {}) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  return {
    client,
    ...render(
      <QueryClientProvider client={client}>
        <MemoryRouter initialEntries={[path]}>
          {route ? (
            <Routes>
              <Route path={route} element={ui} />
              <Route path="*" element={<p>elsewhere</p>} />
            </Routes>
          ) : (
            ui
          )}
        </MemoryRouter>
      </QueryClientProvider>,
    ),
  };
}

export const symbols = [
  { symbol: "BTC-USD", name: "Bitcoin", coingeckoId: "bitcoin", coinmarketcapId: 1, binancePair: "BTCUSDT", coinbaseProduct: "BTC-USD", stablecoin: false },
  { symbol: "ETH-USD", name: "Ethereum", coingeckoId: "ethereum", coinmarketcapId: 1027, binancePair: "ETHUSDT", coinbaseProduct: "ETH-USD", stablecoin: false },
];

export const bar = (timestamp: string, close: number) => ({ timestamp, open: close - 1, high: close + 2, low: close - 2, close, volume: 10 });

export function historical(data: ReturnType<typeof bar>[], nextCursor: string | null = null) {
  return {
    symbol: "BTC-USD",
    interval: "1h",
    source: "REPLAY",
    sources: ["REPLAY"],
    from: data[0]?.timestamp ?? "2025-03-01T00:00:00Z",
    to: "2025-03-04T00:00:00Z",
    data,
    dataPoints: data.length,
    resampledFrom: null,
    nextCursor,
  };
}
