/** RFC 6238 time-based one-time codes (HMAC-SHA1, 30 s steps, 6 digits), as an authenticator app makes them. */
import { createHmac } from "node:crypto";

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
export const STEP_SECONDS = 30;

/** RFC 4648 base32 (spaces, padding and case ignored) to bytes. */
export function base32Decode(text: string): Buffer {
  const bytes: number[] = [];
  let value = 0;
  let bits = 0;
  for (const char of text.replace(/[\s=]/g, "").toUpperCase()) {
    const index = BASE32.indexOf(char);
    if (index < 0) throw new Error(`not base32: ${char}`);
    value = ((value << 5) | index) & 0xffff; // only the bits not yet taken matter
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((value >> bits) & 0xff);
    }
  }
  return Buffer.from(bytes);
}

/** The time step of an instant (ms since the epoch): floor(unix seconds / 30). */
export const stepAt = (ms: number = Date.now()) => Math.floor(ms / 1000 / STEP_SECONDS);

/** The code for a step: HMAC-SHA1 of the 8-byte big-endian counter, dynamic truncation, 6 digits. */
export function totp(secret: string, step: number = stepAt()): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac("sha1", base32Decode(secret)).update(counter).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, "0");
}
