/** One form's error messages: its own checks first, then the API's error envelope, field by field. */
import { useCallback, useState } from "react";
import { ApiError, fieldError } from "@/api/errors";

export type Problems<F extends string> = Partial<Record<F, string | undefined>>;

export interface FormErrors<F extends string> {
  /** The message to show next to a field: the form's own check, else what the API said about it. */
  of: (field: F) => string | undefined;
  /** The API's message when it names none of the form's fields (a banner, not a field error). */
  general: string | undefined;
  /** Whether any field has a message. */
  any: boolean;
  /** Keeps the messages of the form's own checks; true when there are none (the form may be sent). */
  check: (problems: Problems<F>) => boolean;
  /** Sets or clears one field's own message. */
  set: (field: F, message: string | undefined) => void;
}

/**
 * `apiError` is the last request's error (a mutation's `error`: cleared when the form is sent again);
 * `apiFields` maps a form field to the API's names for it when they differ (`timeframes` -> `interval`,
 * `email` -> `preferences.channels.email`); items of a field (`indicators.2`) count as the field.
 */
export function useFormErrors<F extends string>(
  fields: readonly F[],
  apiError: unknown,
  apiFields: Partial<Record<F, readonly string[]>> = {},
): FormErrors<F> {
  const [local, setLocal] = useState<Problems<F>>({});
  const check = useCallback((problems: Problems<F>) => {
    setLocal(problems);
    return !Object.values(problems).some(Boolean);
  }, []);
  const set = useCallback((field: F, message: string | undefined) => setLocal((now) => ({ ...now, [field]: message })), []);
  const names = (field: F) => apiFields[field] ?? [field];
  const of = (field: F) => local[field] || fieldError(apiError, ...names(field));
  const aboutField = fields.some((f) => fieldError(apiError, ...names(f)) !== undefined);
  const general = apiError instanceof ApiError && !aboutField ? apiError.message : undefined;
  return { of, general, any: fields.some((f) => of(f) !== undefined), check, set };
}
