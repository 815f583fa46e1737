/** Words of the Security screen: devices from user agents, ages, audit events as sentences, key states. */
import type { ApiKey, AuditEvent } from "@/api/security";
import { timeAgo } from "@/lib/dates";

const locale = () => (typeof navigator !== "undefined" ? navigator.language : "en-US");

const BROWSERS: [RegExp, string][] = [
  [/\bEdg(?:e|A|iOS)?\//, "Edge"],
  [/\b(?:OPR|Opera)\//, "Opera"],
  [/\bSamsungBrowser\//, "Samsung Internet"],
  [/\b(?:Firefox|FxiOS)\//, "Firefox"],
  [/\b(?:Chrome|CriOS|Chromium|HeadlessChrome)\//, "Chrome"],
  [/\bVersion\/[\d.]+.*Safari\//, "Safari"],
  [/^curl\//i, "curl"],
  [/^python-requests\//i, "Python requests"],
  [/^python-httpx\//i, "Python httpx"],
  [/^(?:cryptomon|Cryptomon)[-/ ]?cli/i, "Cryptomon CLI"],
  [/^PostmanRuntime\//, "Postman"],
];

const SYSTEMS: [RegExp, string][] = [
  [/\b(?:iPhone|iPad|iPod)\b/, "iOS"],
  [/\bAndroid\b/, "Android"],
  [/\bCrOS\b/, "ChromeOS"],
  [/\bWindows\b/, "Windows"],
  [/\bMac OS X\b|\bMacintosh\b/, "macOS"],
  [/\bLinux\b|\bX11\b/, "Linux"],
];

/** "Chrome on Linux", "Safari on iOS", "curl"; "Unknown device" when there is nothing to tell. */
export function deviceOf(userAgent: string | null | undefined): string {
  const ua = (userAgent ?? "").trim();
  if (!ua) return "Unknown device";
  const browser = BROWSERS.find(([pattern]) => pattern.test(ua))?.[1];
  const system = SYSTEMS.find(([pattern]) => pattern.test(ua))?.[1];
  if (browser && system) return `${browser} on ${system}`;
  if (browser ?? system) return (browser ?? system) as string;
  const first = ua.split(/[\s/;(]/)[0] ?? "";
  return first.length > 0 && first.length <= 40 ? first : "Unknown device";
}

/** How long ago, as `timeAgo` says it; "–" when unreadable. */
export function ago(iso: string, now = Date.now()): string {
  return timeAgo(iso, now) || "–";
}

/** The exact instant for a tooltip: "2026-05-01 12:00:05 UTC". */
export function exactUtc(iso: string | null | undefined): string {
  if (!iso) return "";
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  return at.toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
}

/** A day: "1 May 2026" in the reader's words. */
export function day(iso: string | null | undefined): string {
  if (!iso) return "–";
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? iso : at.toLocaleDateString(locale(), { dateStyle: "medium", timeZone: "UTC" });
}

/** A base32 secret in groups of 4 for typing by hand: "JBSW Y3DP EHPK 3PXP". */
export function groupSecret(secret: string): string {
  return (secret.replace(/\s+/g, "").match(/.{1,4}/g) ?? []).join(" ");
}

export type KeyStatus = "active" | "revoked" | "expired";

export function keyStatus(key: Pick<ApiKey, "revokedAt" | "expiresAt">, now = Date.now()): KeyStatus {
  if (key.revokedAt) return "revoked";
  if (key.expiresAt && Date.parse(key.expiresAt) <= now) return "expired";
  return "active";
}

export const EXPIRY_CHOICES = [
  { value: "never", label: "Never", days: null },
  { value: "30", label: "In 30 days", days: 30 },
  { value: "90", label: "In 90 days", days: 90 },
  { value: "365", label: "In 1 year", days: 365 },
] as const;
export type ExpiryChoice = (typeof EXPIRY_CHOICES)[number]["value"];

/** The instant a key made now with this choice expires (whole seconds, UTC), or null for never. */
export function expiryIso(choice: ExpiryChoice, now = Date.now()): string | null {
  const days = EXPIRY_CHOICES.find((c) => c.value === choice)?.days ?? null;
  return days === null ? null : new Date(now + days * 86_400_000).toISOString().replace(/\.\d+Z$/, "Z");
}

const text = (value: unknown): string | null => (typeof value === "string" && value.trim() ? value : typeof value === "number" ? String(value) : null);
const quoted = (value: unknown) => {
  const name = text(value);
  return name ? ` “${name}”` : "";
};
const ROLE_WORDS: Record<string, string> = { user: "member", moderator: "moderator", admin: "administrator" };
const roleWord = (value: unknown) => {
  const role = text(value);
  return role ? (ROLE_WORDS[role] ?? role) : null;
};

/** What a wrong second factor was for (`details.during` of signin.two_factor_failure). */
const DURING: Record<string, string> = {
  "sign-in": "Sign-in failed",
  enable: "Turning on two-factor sign-in failed",
  disable: "Turning off two-factor sign-in failed",
  "new recovery codes": "Making new recovery codes failed",
};

const SENTENCES: Record<string, (d: Record<string, unknown>) => string> = {
  "signin.success": () => "Signed in",
  "signin.failure": () => "Sign-in failed: wrong password",
  "signin.two_factor_failure": (d) => {
    const reason = (text(d.reason) ?? "").toLowerCase();
    const what = reason.includes("recovery") ? "wrong recovery code" : reason.includes("already used") ? "code already used" : "wrong two-factor code";
    return `${DURING[text(d.during) ?? "sign-in"] ?? "Sign-in failed"}: ${what}`;
  },
  "password.changed": () => "Password changed",
  "email.changed": (d) => (text(d.from) ? `Email changed (was ${text(d.from)})` : "Email changed"),
  "two_factor.enabled": () => "Two-factor sign-in turned on",
  "two_factor.disabled": () => "Two-factor sign-in turned off",
  "two_factor.recovery_codes_regenerated": () => "New recovery codes made (the old ones stopped working)",
  "two_factor.recovery_code_used": () => "A recovery code was used",
  "api_key.created": (d) => `API key${quoted(d.name)} created`,
  "api_key.revoked": (d) => `API key${quoted(d.name)} revoked`,
  "session.ended": (d) => {
    if (typeof d.ended === "number") return d.ended === 1 ? "Signed out 1 other session" : `Signed out ${d.ended} other sessions`;
    return d.current === true ? "Signed out" : "A session was ended";
  },
  "session.ended_all": () => "Signed out everywhere",
  "role.changed": (d) => {
    const from = roleWord(d.from);
    const to = roleWord(d.to);
    if (from && to) return `Role changed from ${from} to ${to}`;
    return to ? `Role changed to ${to}` : "Role changed";
  },
  "moderation.action": (d) => {
    const action = text(d.action)?.toLowerCase().replace(/_/g, " ");
    const target = text(d.target)?.toLowerCase();
    const id = text(d.targetId);
    const on = target ? ` on your ${target}${id ? ` #${id}` : ""}` : "";
    return action ? `Moderator action${on}: ${action}` : `Moderator action${on}`;
  },
  "security_policy.changed": (d) => {
    if (d.requireTwoFactorForStaff === true) return "Two-factor sign-in required for moderators and admins";
    if (d.requireTwoFactorForStaff === false) return "Two-factor sign-in no longer required for moderators and admins";
    return "Security policy changed";
  },
};

/** An audit event as a sentence ("Signed in", "API key “deploy” created"); an unknown action as it is. */
export function auditSentence(event: Pick<AuditEvent, "action" | "details">): string {
  const say = SENTENCES[event.action];
  return say ? say(event.details ?? {}) : event.action.replace(/[._]/g, " ");
}

/** Whether the event warns of something: failures, codes turned off, keys revoked. */
export function auditTone(action: string): "warn" | "normal" {
  return action.includes("failure") || action === "two_factor.disabled" || action === "two_factor.recovery_code_used" ? "warn" : "normal";
}
