/**
 * Test helpers for the alert screens. Import this FIRST in a test file: openapi-fetch captures `fetch` and
 * `Request` when `@/api/client` creates its client, so the stubs must be in place before that module loads.
 */
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ReactElement } from "react";
import { MemoryRouter, Route, Routes } from "react-router-dom";

/** Node's Request refuses relative URLs ("/api/..."); the browser resolves them against the page. */
class PageRequest extends Request {
  constructor(input: RequestInfo | URL, init?: RequestInit) {
    super(typeof input === "string" ? new URL(input, "http://localhost") : input, init);
  }
}

export type Handler = (request: Request, body: unknown) => Response | Promise<Response>;

export const fetchMock = vi.fn<(input: RequestInfo | URL, init?: RequestInit) => Promise<Response>>();
vi.stubGlobal("Request", PageRequest);
vi.stubGlobal("fetch", fetchMock);

export function ok(data: unknown, status = 200): Response {
  return new Response(JSON.stringify({ status: "success", data, timestamp: "2026-11-24T00:00:00Z" }), {
    status,
    headers: { "Content-Type": "application/json" },
  });
}

export function fail(status: number, code: string, message: string, field?: string): Response {
  return new Response(JSON.stringify({ status: "error", code, message, ...(field ? { field } : {}) }), {
    status,
    headers: { "Content-Type": "application/json" },
  });
}

/** Route the mocked fetch: keys are "METHOD /path" (the path without its query string). Unrouted calls get 404. */
export function serve(routes: Record<string, Handler>): { calls: { method: string; url: URL; body: unknown }[] } {
  const calls: { method: string; url: URL; body: unknown }[] = [];
  fetchMock.mockImplementation(async (input, init) => {
    const request = input instanceof Request ? input : new PageRequest(input, init);
    const url = new URL(request.url);
    const text = await request.clone().text();
    const body = text ? JSON.parse(text) : undefined;
    calls.push({ method: request.method, url, body });
    const handler = routes[`${request.method} ${url.pathname}`];
    return handler ? handler(request, body) : fail(404, "NOT_FOUND", `No mock for ${request.method} ${url.pathname}`);
  });
  return { calls };
}

export function renderAt(element: ReactElement, path = "/alerts", route = "/alerts/*") {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <MemoryRouter initialEntries={[path]}>
        <Routes>
          <Route path={route} element={element} />
          <Route path="*" element={<p>elsewhere</p>} />
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}
