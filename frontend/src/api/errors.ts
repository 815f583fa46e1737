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
export function isAbout(path: string | undefined, fields: readonly string[]): boolean {
  return path !== undefined && fields.some((name) => path === name || path.startsWith(name + "."));
}

/**
 * What an error says, item by item: a 422's details, else its one message (without the "field: " prefix and
 * "(and 2 more)" suffix of a validation summary when it names a field). Empty when it is not the API's error.
 */
export function apiItems(error: unknown): { field?: string; message: string }[] {
  if (!(error instanceof ApiError)) return [];
  if (error.details.length) return error.details;
  const message = error.field ? error.message.replace(/^[\w.]+: /, "").replace(/ \(and \d+ more\)$/, "") : error.message;
  return [{ field: error.field, message }];
}

/**
 * The API's message for a form field, also when it names an item of it (`indicators.2`) or one of its aliases
 * (the API's `interval` for the form's `timeframes`). Undefined when the error is not about that field.
 */
export function fieldError(error: unknown, ...fields: string[]): string | undefined {
  return apiItems(error).find((item) => isAbout(item.field, fields))?.message;
}

/** Whether an error is about one of the given fields (shown next to them rather than as a banner). */
export function isFieldError(error: unknown, fields: readonly string[]): boolean {
  return fields.some((field) => fieldError(error, field) !== undefined);
}
