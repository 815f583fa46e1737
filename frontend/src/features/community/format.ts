/** Words and numbers of the community screens: ages, tags, attachment kinds and the API's field paths. */
import { ApiError } from "@/api/errors";
import type { AttachmentType, Moderation } from "./api";

const locale = () => (typeof navigator !== "undefined" ? navigator.language : "en-US");

export { timeAgo as age } from "@/lib/dates";

/**
 * A tag as the API stores it (app/community/rendering.py `normalise_tag`): A-Z, 0-9 and single underscores, accents
 * dropped, spaces and dashes as one underscore. Empty when nothing is left.
 */
export function normaliseTag(tag: string): string {
  const ascii = tag.normalize("NFKD").replace(/[^\x20-\x7e]/g, "").toUpperCase();
  return ascii
    .trim()
    .replace(/[\s\-_]+/g, "_")
    .replace(/[^A-Z0-9_]/g, "")
    .replace(/_+/g, "_")
    .replace(/^_+|_+$/g, "");
}

/** The comma-separated tags of a text field, normalised, each once, in their first order. */
export function parseTags(text: string): string[] {
  return [...new Set(text.split(",").map(normaliseTag).filter(Boolean))];
}

export const TYPE_LABELS: Record<AttachmentType, string> = {
  LINK: "Link",
  IMAGE: "Image",
  UPLOAD: "Image",
  ALERT: "Alert",
  INDICATOR: "Indicator",
  BACKTEST: "Backtest",
  CHART: "Chart",
};

/** The attachment kinds of a card, each once ("Backtest", "Image"): an image and an upload read the same. */
export function typeBadges(types: readonly AttachmentType[]): string[] {
  return [...new Set(types.map((t) => TYPE_LABELS[t]))];
}

/** "held for review: Too many links; Possible spam" for the author and moderators (who get the reasons). */
export function heldText(moderation: Moderation): string {
  const reasons = moderation.reasons.map((r) => r.message).join("; ");
  return reasons ? `Held for review: ${reasons}` : "Held for review";
}

/**
 * Which attachment an API error is about: the service names `attachments[2]`, request validation
 * `attachments.2` (or `attachments.2.id`). Null when it is about none.
 */
export function attachmentIndex(field: string | undefined): number | null {
  const match = field ? /^attachments(?:\[(\d+)\]|\.(\d+))/.exec(field) : null;
  return match ? Number(match[1] ?? match[2]) : null;
}

/** A 422 CONTENT_REJECTED's reasons (its details are {code, message}), or null for any other error. */
export function rejectedReasons(error: unknown): string[] | null {
  if (!(error instanceof ApiError) || error.code !== "CONTENT_REJECTED") return null;
  const reasons = error.details.map((d) => d.message).filter(Boolean);
  return reasons.length ? reasons : [error.message];
}

/** 1 → "1 comment", 3 → "3 comments". */
export function plural(count: number, one: string, many = one + "s"): string {
  return `${count.toLocaleString(locale())} ${count === 1 ? one : many}`;
}
