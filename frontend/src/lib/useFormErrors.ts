/** One form's error messages: its own checks first, then the API's errors (of one request or several), field by field. */
import { useCallback, useState } from "react";
import { ApiError, apiItems, isAbout } from "@/api/errors";

export type Problems<F extends string> = Partial<Record<F, string | undefined>>;

/** Where the API's field errors go: per form field, the API's names for it when they differ (`timeframes` ->
 * `interval`); or a function from the API's field to the form's (undefined: no input shows it). */
export type ApiFields<F extends string> = Partial<Record<F, readonly string[]>> | ((apiField: string | undefined) => F | undefined);

export interface Options<F extends string> {
  /** Checks of the form's current values, run on every render (unlike `check`, which keeps those of a submit). */
  live?: Problems<F>;
  /** Show a `live` message only once its field is `edited` or the form `submitted` (not while it is blank). */
  touchedOnly?: boolean;
}

export interface FormErrors<F extends string> {
  /** The message to show next to a field: the form's own check, else what the API said about it. */
  of: (field: F) => string | undefined;
  /** What the API said about none of the form's fields (a banner, not a field error). */
  general: string | undefined;
  /** Whether any field has a message. */
  any: boolean;
  /** Keeps the messages of the form's own checks; true when there are none (the form may be sent). */
  check: (problems: Problems<F>) => boolean;
  /** Sets or clears one field's own message. */
  set: (field: F, message: string | undefined) => void;
  /** The user changed these fields: their `live` checks show from now on; the API's messages about them, and
   * its general one, go until the next request. */
  edited: (...fields: F[]) => void;
  /** Drops the API's messages about these fields (the values they were about changed meaning) until the next request. */
  dismiss: (...fields: F[]) => void;
  /** The user tried to send the form: every `live` check shows. */
  submitted: () => void;
}

const GENERAL = "\0general";

/** An error's messages as a banner says them: a 422's details each with the field it names, else the message. */
function said(error: ApiError): { field?: string; message: string }[] {
  if (!error.details.length) return [{ field: error.field, message: error.message }];
  return error.details.map(({ field, message }) => ({ field, message: field && !message.startsWith(field) ? `${field}: ${message}` : message }));
}

/**
 * `apiErrors` is the last request's error (a mutation's `error`: cleared when the form is sent again), or the
 * errors of several requests, the one to believe first first; items of a field (`indicators.2`) count as the field.
 */
export function useFormErrors<F extends string>(
  fields: readonly F[],
  apiErrors: unknown,
  apiFields: ApiFields<F> = {},
  { live = {}, touchedOnly = false }: Options<F> = {},
): FormErrors<F> {
  const [local, setLocal] = useState<Problems<F>>({});
  const [touched, setTouched] = useState<ReadonlySet<string>>(() => new Set());
  const [sent, setSent] = useState(false);
  // Per error object, the fields (and GENERAL) whose messages the user has since dismissed by editing.
  const [hidden, setHidden] = useState<ReadonlyMap<ApiError, ReadonlySet<string>>>(() => new Map());
  const check = useCallback((problems: Problems<F>) => {
    setLocal(problems);
    return !Object.values(problems).some(Boolean);
  }, []);
  const set = useCallback((field: F, message: string | undefined) => setLocal((now) => ({ ...now, [field]: message })), []);
  const submitted = useCallback(() => setSent(true), []);

  const errors = (Array.isArray(apiErrors) ? apiErrors : [apiErrors]).filter((e): e is ApiError => e instanceof ApiError);
  const fieldOf = (apiField: string | undefined): F | undefined =>
    typeof apiFields === "function" ? apiFields(apiField) : fields.find((f) => isAbout(apiField, apiFields[f] ?? [f]));
  const belongs = (apiField: string | undefined, field: F) =>
    typeof apiFields === "function" ? apiFields(apiField) === field : isAbout(apiField, apiFields[field] ?? [field]);
  const visible = (error: ApiError, name: string) => !hidden.get(error)?.has(name);

  const fromApi = (field: F) =>
    errors.flatMap((e) => (visible(e, field) ? apiItems(e) : [])).find((item) => belongs(item.field, field))?.message;
  const shown = (field: F) => !touchedOnly || sent || touched.has(field);
  const of = (field: F) => local[field] || (shown(field) ? live[field] : undefined) || fromApi(field);
  const general = errors
    .flatMap((e) => (visible(e, GENERAL) ? said(e) : []))
    .filter((item) => fieldOf(item.field) === undefined)
    .map((item) => item.message)
    .join("; ");

  const hide = (names: readonly string[]) =>
    setHidden((now) => new Map(errors.map((e) => [e, new Set([...(now.get(e) ?? []), ...names])])));
  const dismiss = (...changed: F[]) => hide(changed);
  const edited = (...changed: F[]) => {
    setTouched((now) => new Set([...now, ...changed]));
    hide([...changed, GENERAL]);
  };
  return { of, general: general || undefined, any: fields.some((f) => of(f) !== undefined), check, set, edited, dismiss, submitted };
}
