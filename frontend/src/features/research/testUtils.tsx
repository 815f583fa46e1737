/** Test helpers for the research feature: a fake API on a stubbed fetch, and a Query + router wrapper. */
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import createClient from "openapi-fetch";
import type { ReactElement } from "react";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import type { paths } from "@/api/schema";

/** A client like the app's, on an absolute base URL (Node's Request needs one), calling the stubbed fetch. */
export function testClient() {
  return createClient<paths>({ baseUrl: "http://localhost", fetch: (request) => globalThis.fetch(request) });
}

export interface Call {
  route: string; // "POST /api/backtest/strategy"
  search: URLSearchParams;
  body: unknown;
}

type Reply = { status?: number; body: unknown; raw?: boolean; headers?: Record<string, string> };
export type MockRoute = Reply | ((call: Call) => Reply);

/**
 * Stub fetch with routes such as `"GET /api/market/symbols"`. A body is wrapped in the success envelope unless
 * it is an envelope already or `raw` is set (files). Unknown routes answer 404. Returns the calls made.
 */
export function mockApi(routes: Record<string, MockRoute>): Call[] {
  const calls: Call[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = input instanceof Request ? input : new Request(new URL(String(input), "http://localhost"), init);
      const url = new URL(request.url);
      const text = request.method === "GET" ? "" : await request.text();
      const call: Call = { route: `${request.method} ${url.pathname}`, search: url.searchParams, body: text ? JSON.parse(text) : undefined };
      calls.push(call);
      const route = routes[call.route];
      if (!route) {
        return new Response(JSON.stringify({ status: "error", code: "NOT_FOUND", message: `no mock for ${call.route}` }), { status: 404 });
      }
      const reply = typeof route === "function" ? route(call) : route;
      const { status = 200 } = reply;
      if (reply.raw) return new Response(reply.body as BodyInit, { status, headers: reply.headers ?? {} });
      const kind = (reply.body as { status?: unknown } | null)?.status;
      const envelope = kind === "success" || kind === "error" ? reply.body : { status: "success", data: reply.body };
      return new Response(JSON.stringify(envelope), { status, headers: { "Content-Type": "application/json" } });
    }),
  );
  return calls;
}

export const apiError = (status: number, code: string, message: string, field?: string, details?: { field: string; message: string }[]) => ({
  status,
  body: { status: "error", code, message, ...(field ? { field } : {}), ...(details ? { details } : {}) },
});

export function renderPage(ui: ReactElement, path = "/research/data") {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  return {
    client,
    ...render(
      <QueryClientProvider client={client}>
        <MemoryRouter initialEntries={[path]}>
          <Routes>
            <Route path="/research/*" element={ui} />
          </Routes>
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
