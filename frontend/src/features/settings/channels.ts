/** The notification channels a user sets up in preferences.channels, and how each is tested. */
export type ChannelKey = "email" | "phone" | "discordWebhook" | "telegramChatId" | "webhookUrl" | "webhookSecret";

export interface ChannelDef {
  key: ChannelKey;
  label: string;
  type: "email" | "tel" | "url" | "text" | "password";
  placeholder: string;
  hint: string;
  /** The channel POST /api/notifications/test sends on; none for the secret. */
  test?: "EMAIL" | "SMS" | "DISCORD" | "TELEGRAM" | "WEBHOOK";
  check: (value: string) => string | undefined;
}

const url = (value: string) => {
  try {
    const parsed = new URL(value);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? undefined : "Use an http(s) URL";
  } catch {
    return "Enter a full URL, starting with https://";
  }
};

export const CHANNELS: ChannelDef[] = [
  {
    key: "email",
    label: "Email",
    type: "email",
    placeholder: "Empty: your account email",
    hint: "Leave empty to use your account email",
    test: "EMAIL",
    check: (v) => (/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v) ? undefined : "Enter an email address like you@example.com"),
  },
  {
    key: "phone",
    label: "Phone (SMS)",
    type: "tel",
    placeholder: "+14155550100",
    hint: "E.164: + and country code, no spaces",
    test: "SMS",
    check: (v) => (/^\+[1-9]\d{6,14}$/.test(v) ? undefined : "Use E.164: + then 7 to 15 digits, e.g. +14155550100"),
  },
  {
    key: "discordWebhook",
    label: "Discord webhook",
    type: "url",
    placeholder: "https://discord.com/api/webhooks/…",
    hint: "Channel settings → Integrations → Webhooks",
    test: "DISCORD",
    check: url,
  },
  {
    key: "telegramChatId",
    label: "Telegram chat",
    type: "text",
    placeholder: "123456789 or @mychannel",
    hint: "Numeric chat id or @channel",
    test: "TELEGRAM",
    check: (v) => (/^(-?\d{1,20}|@[A-Za-z0-9_]{5,32})$/.test(v) ? undefined : "A numeric chat id or @channel (5–32 letters)"),
  },
  {
    key: "webhookUrl",
    label: "Webhook URL",
    type: "url",
    placeholder: "https://example.com/hooks/cryptomon",
    hint: "Receives a signed JSON POST",
    test: "WEBHOOK",
    check: url,
  },
  {
    key: "webhookSecret",
    label: "Webhook secret",
    type: "password",
    placeholder: "16 to 128 characters",
    hint: "Signs webhook bodies (HMAC-SHA256); shown back only as its last four",
    check: (v) => (v.length >= 16 && v.length <= 128 ? undefined : "Use 16 to 128 characters"),
  },
];
