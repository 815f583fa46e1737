import { fieldError } from "@/api/errors";
import { useFormErrors } from "@/lib/useFormErrors";
import { toastError, useUi } from "@/stores/ui";
import { useUpdateMe, type MePatch } from "@/api/me";

export type PreferencesPatch = NonNullable<MePatch["preferences"]>;

/**
 * Saves part of the preferences (PATCH /api/users/me). `apiFields` maps each of the form's fields to the API's
 * names for it (`[]` for one only the form checks): the API's errors about them show by the field, any other
 * error is toasted under `titles.failed`; a success is toasted under `titles.saved`.
 */
export function useSavePreferences<F extends string>(
  apiFields: Record<F, readonly string[]>,
  titles: { saved: string; failed: string },
) {
  const fields = Object.keys(apiFields) as F[];
  const named = Object.values<readonly string[]>(apiFields).flat();
  const update = useUpdateMe((error) => {
    if (!fieldError(error, ...named)) toastError(error, titles.failed);
  });
  const errors = useFormErrors(fields, update.error, apiFields);

  function save(preferences: PreferencesPatch) {
    update.mutate({ preferences }, { onSuccess: () => useUi.getState().toast({ kind: "success", title: titles.saved }) });
  }

  return { save, errors, pending: update.isPending };
}
