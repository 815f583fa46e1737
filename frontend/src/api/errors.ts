/** An error envelope from the API: `code`, `message` and, for bad input, the `field` it is about. */
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

  /** The message for one form field (camelCase path such as `metadata.window`), if the API named it. */
  forField(field: string): string | undefined {
    if (this.field === field) return this.message;
    return this.details.find((d) => d.field === field)?.message;
  }
}

export function toApiError(status: number, body: unknown): ApiError {
  const b = (body ?? {}) as { code?: string; message?: string; field?: string; details?: ApiError["details"] };
  return new ApiError(status, b.code ?? "HTTP_" + status, b.message ?? `Request failed (${status})`, b.field, b.details ?? []);
}
