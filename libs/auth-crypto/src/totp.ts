import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const STEP_SECONDS = 30;
const DIGITS = 6;

/** 160 random bits, the size RFC 4226 recommends for HMAC-SHA1. */
export function generateTotpSecret(): Buffer {
  return randomBytes(20);
}

/** RFC 4648 base32, without padding (what authenticator apps expect). */
export function base32Encode(data: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of data) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

/** Tolerates lower case, spaces and padding; throws on any other character. */
export function base32Decode(text: string): Buffer {
  const clean = text.replace(/[\s=]/g, '').toUpperCase();
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const char of clean) {
    const index = ALPHABET.indexOf(char);
    if (index < 0) throw new Error(`invalid base32 character "${char}"`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

export function totpUri(options: { secret: Buffer; accountName: string; issuer: string }): string {
  const label = `${encodeURIComponent(options.issuer)}:${encodeURIComponent(options.accountName)}`;
  const query = new URLSearchParams({
    secret: base32Encode(options.secret),
    issuer: options.issuer,
    algorithm: 'SHA1',
    digits: String(DIGITS),
    period: String(STEP_SECONDS),
  });
  return `otpauth://totp/${label}?${query.toString().replace(/\+/g, '%20')}`;
}

function codeAt(secret: Buffer, step: number): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', secret).update(counter).digest();
  const offset = (mac[mac.length - 1] as number) & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** DIGITS).padStart(DIGITS, '0');
}

export function totpCode(secret: Buffer, timeMs: number): string {
  return codeAt(secret, Math.floor(timeMs / 1000 / STEP_SECONDS));
}

/**
 * Accepts the code of the current time step or of `window` steps around it, once: a code whose
 * step is not after `lastUsedStep` is refused, so an observed code cannot be replayed.
 */
export function verifyTotp(
  secret: Buffer,
  code: string,
  timeMs: number,
  options: { window?: number; lastUsedStep?: number | null } = {},
): { ok: true; step: number } | { ok: false } {
  if (!/^[0-9]{6}$/.test(code)) return { ok: false };
  const window = Math.max(0, Math.floor(options.window ?? 1));
  if (!Number.isFinite(timeMs) || timeMs < 0) return { ok: false };
  const current = Math.floor(timeMs / 1000 / STEP_SECONDS);
  const given = Buffer.from(code);
  let matched: number | null = null;
  // Every candidate is compared, so the time taken does not depend on which one matches.
  for (let step = current - window; step <= current + window; step++) {
    if (step < 0) continue;
    if (timingSafeEqual(Buffer.from(codeAt(secret, step)), given) && matched === null)
      matched = step;
  }
  if (matched === null) return { ok: false };
  if (
    options.lastUsedStep !== undefined &&
    options.lastUsedStep !== null &&
    matched <= options.lastUsedStep
  ) {
    return { ok: false };
  }
  return { ok: true, step: matched };
}
