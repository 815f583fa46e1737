import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { api, unwrap } from "@/api/client";
import { isThemeChoice, type ThemeChoice } from "@/lib/theme";
import { toastError, useUi } from "@/stores/ui";
import { ME_KEY, useMe, type Me } from "@/api/me";

/** Paints the signed-in user's saved theme (preferences.theme), on whatever browser they sign in to. */
export function useApplySavedTheme(): void {
  const saved = useMe().data?.preferences.theme;
  useEffect(() => {
    if (isThemeChoice(saved)) useUi.getState().setThemeChoice(saved);
  }, [saved]);
}

/**
 * Changes the theme: painted at once, and saved to the preferences (PATCH /api/users/me) so every browser
 * follows. If saving fails, a toast says so and the previous theme comes back.
 */
export function useSaveTheme(): { save: (choice: ThemeChoice) => void; pending: boolean } {
  const queryClient = useQueryClient();
  const mutation = useMutation({
    mutationFn: (theme: ThemeChoice) => unwrap(api.PATCH("/api/users/me", { body: { preferences: { theme } } })),
    onMutate: (theme) => {
      const previous = useUi.getState().themeChoice;
      useUi.getState().setThemeChoice(theme);
      queryClient.setQueryData<Me>(ME_KEY, (me) => (me ? { ...me, preferences: { ...me.preferences, theme } } : me));
      return { previous };
    },
    onSuccess: (me) => queryClient.setQueryData(ME_KEY, me),
    onError: (error, _, context) => {
      toastError(error, "Could not save the theme");
      if (context) useUi.getState().setThemeChoice(context.previous);
      void queryClient.invalidateQueries({ queryKey: ME_KEY });
    },
  });
  return { save: mutation.mutate, pending: mutation.isPending };
}
