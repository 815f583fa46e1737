/** A date input's day (local time) as the ISO instant it starts; `end` gives the start of the next day, so a
 * "to" day is included. */
export function dayToIso(day: string, end = false): string | undefined {
  if (!day) return undefined;
  const at = new Date(`${day}T00:00`);
  if (Number.isNaN(at.getTime())) return undefined;
  if (end) at.setDate(at.getDate() + 1);
  return at.toISOString();
}
