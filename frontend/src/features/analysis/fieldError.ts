import { ApiError } from "@/api/errors";

/** The API's message for a form field, also when it names an item (`indicators.2`) or an alias (`interval`). */
export function fieldError(error: unknown, ...fields: string[]): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const matches = (f: string | undefined) => f !== undefined && fields.some((name) => f === name || f.startsWith(name + "."));
  const detail = error.details.find((d) => matches(d.field))?.message;
  if (detail) return detail;
  return matches(error.field) ? error.message.replace(/^[\w.]+: /, "").replace(/ \(and \d+ more\)$/, "") : undefined;
}
