import createClient, { type Middleware } from "openapi-fetch";
import { useAuth, type Tokens } from "@/stores/auth";
import { toApiError } from "./errors";
import type { paths } from "./schema";

/** The typed API client: paths and bodies come from the backend's OpenAPI document (src/api/schema.d.ts). */
export const api = createClient<paths>({ baseUrl: "" });

let refreshing: Promise<Tokens | null> | null = null;

/** Exchange the refresh token for a new pair once, however many requests found the access token expired. */
export function refreshTokens(): Promise<Tokens | null> {
  refreshing ??= (async () => {
    const current = useAuth.getState().tokens;
    if (!current) return null;
    const response = await fetch("/api/auth/refresh", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ refreshToken: current.refreshToken }),
    });
    if (!response.ok) {
      useAuth.getState().signOut();
      return null;
    }
    const body = (await response.json()) as { data: { tokens: Tokens } };
    const tokens = body.data.tokens;
    useAuth.getState().setTokens(tokens);
    return tokens;
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

const auth: Middleware = {
  onRequest({ request }) {
    const tokens = useAuth.getState().tokens;
    if (tokens && !request.headers.has("Authorization")) {
      request.headers.set("Authorization", `Bearer ${tokens.accessToken}`);
    }
    return request;
  },
  async onResponse({ request, response }) {
    if (response.status !== 401 || request.url.includes("/api/auth/")) return response;
    const body = (await response.clone().json().catch(() => ({}))) as { code?: string };
    if (body.code !== "TOKEN_EXPIRED" && body.code !== "INVALID_TOKEN") return response;
    const tokens = await refreshTokens();
    if (!tokens) return response;
    const retry = new Request(request, { headers: new Headers(request.headers) });
    retry.headers.set("Authorization", `Bearer ${tokens.accessToken}`);
    return fetch(retry);
  },
};
api.use(auth);

/** What openapi-fetch resolves to: the success body (the envelope) or the error body, and the response. */
type Call = { data?: unknown; error?: unknown; response: Response };

/** The `data` inside a call's success envelope, as the generated types declare it (void for a 204). */
export type Unwrapped<C extends Call> = NonNullable<C["data"]> extends { data: infer D } ? D : void;

/** The `data` of a success envelope, or an ApiError carrying the API's code, message and field. */
export async function unwrap<C extends Call>(call: Promise<C>): Promise<Unwrapped<C>> {
  const { data, error, response } = await call;
  if (error !== undefined || !response.ok) throw toApiError(response.status, error);
  if (response.status === 204) return undefined as Unwrapped<C>; // no content: no envelope either
  return (data as { data: Unwrapped<C> }).data;
}

/** A raw call for routes whose body the generated types cannot express (downloads, PNGs). */
export async function authedFetch(url: string, init: RequestInit = {}): Promise<Response> {
  const send = (token?: string) =>
    fetch(url, { ...init, headers: { ...(init.headers ?? {}), ...(token ? { Authorization: `Bearer ${token}` } : {}) } });
  let response = await send(useAuth.getState().tokens?.accessToken);
  if (response.status === 401) {
    const tokens = await refreshTokens();
    if (tokens) response = await send(tokens.accessToken);
  }
  if (!response.ok) throw toApiError(response.status, await response.clone().json().catch(() => ({})));
  return response;
}
