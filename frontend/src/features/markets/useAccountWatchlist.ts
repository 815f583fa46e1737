import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import { ME_KEY, useMe, type Me } from "@/api/me";
import { toastError } from "@/stores/ui";

const WATCHLIST_SAVE = ["account-watchlist-save"];

/**
 * The account's watchlist (preferences.watchlist), the one Settings edits: `saved` is undefined while it loads.
 * `save` shows the new list at once and PATCHes it; if that fails a toast says so and the saved list comes back.
 * Saves run one after another (a scope): quick edits sent together could be applied out of order by the server,
 * and an older answer would bring back a symbol just removed. Only the last queued save's answer is shown.
 */
export function useAccountWatchlist(): {
  saved: string[] | undefined;
  error: Error | null;
  save: (symbols: string[]) => void;
} {
  const queryClient = useQueryClient();
  const me = useMe();
  const saved = me.data?.preferences.watchlist;
  const mutation = useMutation({
    mutationKey: WATCHLIST_SAVE,
    scope: { id: "account-watchlist" },
    mutationFn: (watchlist: string[]) => unwrap(api.PATCH("/api/users/me", { body: { preferences: { watchlist } } })),
    onMutate: async (watchlist) => {
      await queryClient.cancelQueries({ queryKey: ME_KEY });
      queryClient.setQueryData<Me>(ME_KEY, (me) => (me ? { ...me, preferences: { ...me.preferences, watchlist } } : me));
    },
    onSuccess: (me) => {
      if (queryClient.isMutating({ mutationKey: WATCHLIST_SAVE }) <= 1) queryClient.setQueryData(ME_KEY, me);
    },
    onError: (error) => {
      toastError(error, "Could not save your watchlist");
      void queryClient.invalidateQueries({ queryKey: ME_KEY });
    },
  });
  return { saved, error: me.error, save: mutation.mutate };
}
