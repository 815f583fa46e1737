/** The API's error envelope as an `Error`, and the one way to find the message it gives for a form field. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly details: { field?: string; message: string }[] = [],
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export function toApiError(status: number, body: unknown): ApiError {
  const b = (body ?? {}) as { code?: string; message?: string; field?: string; details?: ApiError["details"] };
  return new ApiError(status, b.code ?? "HTTP_" + status, b.message ?? `Request failed (${status})`, b.field, b.details ?? []);
}

/** Whether the API's field path (`indicators.2`, `ranges.fast`) is one of `fields` or an item inside one. */
function names(path: string | undefined, fields: readonly string[]): boolean {
  return path !== undefined && fields.some((name) => path === name || path.startsWith(name + "."));
}

/**
 * The API's message for a form field, also when it names an item of it (`indicators.2`) or one of its aliases
 * (the API's `interval` for the form's `timeframes`); without the "field: " prefix and "(and 2 more)" suffix
 * of a validation summary. Undefined when the error is not about that field.
 */
export function fieldError(error: unknown, ...fields: string[]): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const detail = error.details.find((d) => names(d.field, fields));
  if (detail) return detail.message;
  if (!names(error.field, fields)) return undefined;
  return error.message.replace(/^[\w.]+: /, "").replace(/ \(and \d+ more\)$/, "");
}

/** Whether an error is about one of the given fields (shown next to them rather than as a banner). */
export function isFieldError(error: unknown, fields: readonly string[]): boolean {
  return fields.some((field) => fieldError(error, field) !== undefined);
}
