/** The IANA time zones this browser knows, and its own. */

/** The zones this browser knows, UTC first, then A–Z; `keep` (a saved value) is listed even if it does not. */
export function timeZones(...keep: (string | null | undefined)[]): string[] {
  let known: string[];
  try {
    known = Intl.supportedValuesOf("timeZone");
  } catch {
    known = []; // an older browser: UTC and the zones kept
  }
  const rest = [...new Set([...keep.filter((z): z is string => Boolean(z)), ...known])].filter((z) => z !== "UTC");
  return ["UTC", ...rest.sort((a, b) => a.localeCompare(b))];
}

/** This browser's own zone ("Europe/Berlin"), or undefined when it does not say. */
export function browserZone(): string | undefined {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || undefined;
  } catch {
    return undefined;
  }
}
