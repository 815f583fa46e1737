/** Test helpers for the markets, analysis and settings features: a Query wrapper and a fake API. */
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import createClient from "openapi-fetch";
import type { ReactElement } from "react";
import type { paths } from "@/api/schema";

/** A client like the app's, on an absolute base URL (Node's Request needs one) and the stubbed fetch. */
export function testClient() {
  return createClient<paths>({ baseUrl: "http://localhost", fetch: (request) => globalThis.fetch(request) });
}

export type Reply = { status?: number; body: unknown } | ((request: Request, body: unknown) => { status?: number; body: unknown });

/**
 * Stub fetch with routes like `"GET /api/market/symbols"`; a success body is wrapped in the envelope
 * unless it is one already (status success/error). Returns the calls made, as `METHOD path?query` and JSON body.
 */
export function mockApi(routes: Record<string, Reply>) {
  const calls: { route: string; body: unknown }[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (request: Request) => {
      const url = new URL(request.url);
      const text = request.method === "GET" ? "" : await request.text();
      const body = text ? JSON.parse(text) : undefined;
      const route = `${request.method} ${url.pathname}`;
      calls.push({ route: route + url.search, body });
      const reply = routes[route];
      if (!reply) return new Response(JSON.stringify({ status: "error", code: "NOT_FOUND", message: `no mock for ${route}` }), { status: 404 });
      const { status = 200, body: payload } = typeof reply === "function" ? reply(request, body) : reply;
      const enveloped = (payload as { status?: unknown } | null)?.status;
      const envelope = enveloped === "success" || enveloped === "error" ? payload : { status: "success", data: payload };
      return new Response(JSON.stringify(envelope), { status, headers: { "Content-Type": "application/json" } });
    }),
  );
  return calls;
}

/** An API error envelope. */
export const apiError = (status: number, code: string, message: string, field?: string) => ({
  status,
  body: { status: "error", code, message, ...(field ? { field } : {}) },
});

export function renderWithQuery(ui: ReactElement) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  return { client, ...render(<QueryClientProvider client={client}>{ui}</QueryClientProvider>) };
}
