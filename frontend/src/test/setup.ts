import "@testing-library/jest-dom/vitest";

/**
 * The API is faked in every test file: `fetch` is one mock, routed by `mockApi` or `serve` (./utils), and `Request`
 * resolves relative URLs ("/api/...") against the page as a browser does (Node's refuses them). Stubbed here,
 * before any test module loads, because openapi-fetch captures both when `@/api/client` creates its client.
 */
class PageRequest extends Request {
  constructor(input: RequestInfo | URL, init?: RequestInit) {
    super(typeof input === "string" ? new URL(input, "http://localhost") : input, init);
  }
}

vi.stubGlobal("Request", PageRequest);
vi.stubGlobal(
  "fetch",
  vi.fn<typeof fetch>(() => Promise.resolve(new Response(JSON.stringify({ status: "error", code: "NOT_FOUND", message: "No API mock" }), { status: 404 }))),
);
