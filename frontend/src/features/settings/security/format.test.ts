import type { AuditEvent } from "@/api/security";
import { auditSentence, deviceOf, expiryIso, groupSecret, keyStatus } from "./format";

describe("security words", () => {
  it("tells the device from a user agent", () => {
    expect(deviceOf("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/126.0.0.0 Safari/537.36")).toBe("Chrome on Linux");
    expect(deviceOf("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15")).toBe("Safari on macOS");
    expect(deviceOf("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36 Edg/126.0")).toBe("Edge on Windows");
    expect(deviceOf("Mozilla/5.0 (Android 14; Mobile; rv:127.0) Gecko/127.0 Firefox/127.0")).toBe("Firefox on Android");
    expect(deviceOf("python-httpx/0.27.0")).toBe("Python httpx");
    expect(deviceOf("Wget/1.21")).toBe("Wget");
    expect(deviceOf(null)).toBe("Unknown device");
  });

  it("groups a secret by four", () => {
    expect(groupSecret("JBSWY3DPEHPK3PXPAB")).toBe("JBSW Y3DP EHPK 3PXP AB");
  });

  it("knows a key's state", () => {
    const now = Date.parse("2026-05-01T00:00:00Z");
    expect(keyStatus({ revokedAt: null, expiresAt: null }, now)).toBe("active");
    expect(keyStatus({ revokedAt: null, expiresAt: "2026-04-30T00:00:00Z" }, now)).toBe("expired");
    expect(keyStatus({ revokedAt: "2026-04-01T00:00:00Z", expiresAt: "2026-04-30T00:00:00Z" }, now)).toBe("revoked");
    expect(expiryIso("never", now)).toBeNull();
    expect(expiryIso("90", now)).toBe("2026-07-30T00:00:00Z");
  });

  it("says every audit action as a sentence", () => {
    const say = (action: string, details: AuditEvent["details"] = {}) => auditSentence({ action, details });
    expect(say("signin.success", { sessionId: "x" })).toBe("Signed in");
    expect(say("signin.failure")).toBe("Sign-in failed: wrong password");
    expect(say("signin.two_factor_failure", { reason: "That code was already used: wait for the next one", during: "sign-in" })).toBe("Sign-in failed: code already used");
    expect(say("signin.two_factor_failure", { reason: "The recovery code is wrong or was used", during: "disable" })).toBe("Turning off two-factor sign-in failed: wrong recovery code");
    expect(say("password.changed")).toBe("Password changed");
    expect(say("email.changed", { from: "old@example.com" })).toBe("Email changed (was old@example.com)");
    expect(say("two_factor.enabled")).toBe("Two-factor sign-in turned on");
    expect(say("two_factor.disabled")).toBe("Two-factor sign-in turned off");
    expect(say("two_factor.recovery_codes_regenerated")).toBe("New recovery codes made (the old ones stopped working)");
    expect(say("two_factor.recovery_code_used")).toBe("A recovery code was used");
    expect(say("api_key.revoked", { name: "deploy" })).toBe("API key “deploy” revoked");
    expect(say("session.ended", { sessionId: "a", current: false })).toBe("A session was ended");
    expect(say("session.ended", { sessionId: "a", current: true })).toBe("Signed out");
    expect(say("session.ended", { ended: 2, kept: "b" })).toBe("Signed out 2 other sessions");
    expect(say("session.ended_all", { ended: 3 })).toBe("Signed out everywhere");
    expect(say("moderation.action", { action: "HIDE", target: "POST", targetId: 12 })).toBe("Moderator action on your post #12: hide");
    expect(say("security_policy.changed", { requireTwoFactorForStaff: true })).toBe("Two-factor sign-in required for moderators and admins");
    expect(say("something.new")).toBe("something new");
  });
});
