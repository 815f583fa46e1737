import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import type { components } from "@/api/schema";
import { useAuth } from "@/stores/auth";

export type Me = components["schemas"]["UserOut"];
export type MePatch = components["schemas"]["UpdateMeRequest"];

export const ME_KEY = ["users", "me"] as const;

/** The signed-in user with preferences (GET /api/users/me). */
export function useMe() {
  return useQuery({ queryKey: ME_KEY, queryFn: () => unwrap(api.GET("/api/users/me")) });
}

/**
 * PATCH /api/users/me: only the keys sent change. Field errors are for the form to show; `onError`
 * lets the caller decide whether to toast as well.
 */
export function useUpdateMe(onError?: (error: Error) => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: MePatch) => unwrap(api.PATCH("/api/users/me", { body })),
    onSuccess: (me) => {
      queryClient.setQueryData(ME_KEY, me);
      useAuth.setState((s) => (s.user ? { user: { ...s.user, displayName: me.displayName } } : {}));
    },
    ...(onError ? { onError } : {}),
  });
}
