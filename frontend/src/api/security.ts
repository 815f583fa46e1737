/** Account security: two-step sign-in, two-factor enrolment, sessions, API keys, the audit log and the staff policy. */
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import type { components } from "@/api/schema";

type Schemas = components["schemas"];

// ---- Types (generated from the backend's OpenAPI document: src/api/schema.d.ts) ----

/** POST /api/auth/login's answer when the account has two-factor sign-in on: the password was right, a code is next. */
export type TwoFactorChallenge = Schemas["TwoFactorChallenge"];
/** `required`: an admin requires two-factor sign-in for this user's role and it is off (staff powers withheld). */
export type TwoFactorStatus = Schemas["TwoFactorStatus"];
/** `secret` (base32, to type by hand), `otpauthUri`, `qrCode` (a data:image/png;base64 URI). */
export type TwoFactorSetup = Schemas["TwoFactorSetup"];
export type SessionOut = Schemas["SessionOut"];
export type ApiKeyScope = Schemas["ApiKeyScopeOut"];
export type ApiKey = Schemas["ApiKeyOut"];
export type NewApiKey = Schemas["ApiKeyCreate"];
export type ScopeName = NewApiKey["scopes"][number];
export type AuditEvent = Schemas["AuditEventOut"];
export type AuditPage = Schemas["AuditPage"];
export type SecurityPolicy = Schemas["SecurityPolicyOut"];

/** One of the two ways through the second step: a code from the app, or a single-use recovery code. */
export type SecondFactor = { code: string } | { recoveryCode: string };

export const securityKeys = {
  twoFactor: ["security", "2fa"] as const,
  sessions: ["security", "sessions"] as const,
  apiKeys: ["security", "api-keys"] as const,
  scopes: ["security", "api-key-scopes"] as const,
  audit: ["security", "audit"] as const,
  policy: ["security", "policy"] as const,
};

export const AUDIT_PAGE_SIZE = 50;

/** Every error of these mutations is shown where it happened (under the code field, by the form, a toast of the
 * caller's): not the app's default toast as well. */
const shownInPlace = () => undefined;

/** What the Security screen shows is read afresh each time it opens (not the app's 15 s of staleness): a session
 * ended elsewhere, a recovery code just spent. */
const FRESH = { staleTime: 0 } as const;

// ---- Sign-in ----

/** Whether POST /api/auth/login asked for the second step rather than signing in. */
export function isTwoFactorChallenge(data: unknown): data is TwoFactorChallenge {
  return typeof data === "object" && data !== null && (data as { twoFactorRequired?: unknown }).twoFactorRequired === true;
}

/** POST /api/auth/login/2fa: the challenge of the password step and a code (or a recovery code) → the session. */
export const signInSecondStep = (challengeToken: string, factor: SecondFactor) =>
  unwrap(api.POST("/api/auth/login/2fa", { body: { challengeToken, ...factor } }));

// ---- Two-factor ----

export function useTwoFactor() {
  return useQuery({ ...FRESH, queryKey: securityKeys.twoFactor, queryFn: () => unwrap(api.GET("/api/users/me/2fa")) });
}

/** The events of the audit log change with every security action: it and the status are read again. */
function useRefresh() {
  const queryClient = useQueryClient();
  return (...keys: (readonly string[])[]) => {
    for (const queryKey of [...keys, securityKeys.audit]) void queryClient.invalidateQueries({ queryKey });
  };
}

export function useTwoFactorSetup() {
  return useMutation({ mutationFn: () => unwrap(api.POST("/api/users/me/2fa/setup")), onError: shownInPlace });
}

export function useEnableTwoFactor() {
  const refresh = useRefresh();
  return useMutation({
    onError: shownInPlace,
    mutationFn: (code: string) =>
      unwrap(api.POST("/api/users/me/2fa/enable", { body: { code } })),
    // The status is read again once the codes are put away ("I have saved them"): reading it now would swap
    // the panel that shows them for the status.
    onSuccess: () => refresh(),
  });
}

export function useDisableTwoFactor() {
  const refresh = useRefresh();
  return useMutation({
    onError: shownInPlace,
    mutationFn: (factor: SecondFactor) => unwrap(api.POST("/api/users/me/2fa/disable", { body: factor })),
    onSuccess: () => refresh(securityKeys.twoFactor),
  });
}

export function useNewRecoveryCodes() {
  const refresh = useRefresh();
  return useMutation({
    onError: shownInPlace,
    mutationFn: (code: string) => unwrap(api.POST("/api/users/me/2fa/recovery-codes", { body: { code } })),
    onSuccess: () => refresh(),
  });
}

// ---- Sessions ----

export function useSessions() {
  return useQuery({ ...FRESH, queryKey: securityKeys.sessions, queryFn: () => unwrap(api.GET("/api/users/me/sessions")) });
}

export function useEndSession() {
  const refresh = useRefresh();
  return useMutation({
    onError: shownInPlace,
    mutationFn: (id: string) => unwrap(api.DELETE("/api/users/me/sessions/{sessionId}", { params: { path: { sessionId: id } } })),
    onSuccess: () => refresh(securityKeys.sessions),
  });
}

export function useEndOtherSessions() {
  const refresh = useRefresh();
  return useMutation({
    onError: shownInPlace,
    mutationFn: () => unwrap(api.POST("/api/users/me/sessions/end-others")),
    onSuccess: () => refresh(securityKeys.sessions),
  });
}

// ---- API keys ----

export function useApiKeyScopes() {
  return useQuery({
    queryKey: securityKeys.scopes,
    queryFn: () => unwrap(api.GET("/api/users/me/api-keys/scopes")),
    staleTime: Infinity,
  });
}

export function useApiKeys() {
  return useQuery({ ...FRESH, queryKey: securityKeys.apiKeys, queryFn: () => unwrap(api.GET("/api/users/me/api-keys")) });
}

export function useCreateApiKey() {
  const refresh = useRefresh();
  return useMutation({
    onError: shownInPlace,
    mutationFn: (body: NewApiKey) => unwrap(api.POST("/api/users/me/api-keys", { body })),
    onSuccess: () => refresh(securityKeys.apiKeys),
  });
}

export function useRevokeApiKey() {
  const refresh = useRefresh();
  return useMutation({
    onError: shownInPlace,
    mutationFn: (id: number) => unwrap(api.DELETE("/api/users/me/api-keys/{keyId}", { params: { path: { keyId: id } } })),
    onSuccess: () => refresh(securityKeys.apiKeys),
  });
}

// ---- Audit log ----

export function useAuditLog() {
  return useInfiniteQuery({
    ...FRESH,
    queryKey: securityKeys.audit,
    queryFn: ({ pageParam }) =>
      unwrap(api.GET("/api/users/me/audit", { params: { query: { limit: AUDIT_PAGE_SIZE, ...(pageParam ? { before: pageParam } : {}) } } })),
    initialPageParam: null as number | null,
    getNextPageParam: (last: AuditPage) => last.nextBefore ?? undefined,
  });
}

// ---- The staff policy (admins) ----

export function useSecurityPolicy(enabled: boolean) {
  return useQuery({
    ...FRESH,
    queryKey: securityKeys.policy,
    queryFn: () => unwrap(api.GET("/api/admin/security-policy")),
    enabled,
  });
}

export function useSaveSecurityPolicy() {
  const queryClient = useQueryClient();
  return useMutation({
    onError: shownInPlace,
    mutationFn: (requireTwoFactorForStaff: boolean) =>
      unwrap(api.PUT("/api/admin/security-policy", { body: { requireTwoFactorForStaff } })),
    onSuccess: (policy) => {
      queryClient.setQueryData(securityKeys.policy, policy);
      for (const queryKey of [securityKeys.twoFactor, securityKeys.audit]) void queryClient.invalidateQueries({ queryKey });
    },
  });
}
