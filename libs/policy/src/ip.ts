import { isIP } from 'node:net';

export interface Cidr {
  version: 4 | 6;
  bytes: Uint8Array;
  prefix: number;
}

/** An address as bytes; IPv4-mapped IPv6 (::ffff:a.b.c.d) becomes the IPv4 address. */
export function parseIp(address: string): { version: 4 | 6; bytes: Uint8Array } | null {
  const v4 = parseIpv4(address);
  if (v4) return { version: 4, bytes: v4 };
  if (isIP(address) !== 6) return null;
  const bytes = ipv6Bytes(address.split('%')[0] as string);
  const mapped =
    bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  return mapped ? { version: 4, bytes: bytes.slice(12) } : { version: 6, bytes };
}

/** Dotted-quad IPv4 without leading zeros (as node:net's isIP), parsed without a regex: hot path. */
function parseIpv4(text: string): Uint8Array | null {
  const bytes = new Uint8Array(4);
  let part = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || part === 3) return null;
      bytes[part++] = value;
      value = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && value === 0) return null;
      value = value * 10 + (c - 48);
      if (value > 255) return null;
      digits++;
    } else return null;
  }
  if (part !== 3 || digits === 0) return null;
  bytes[3] = value;
  return bytes;
}

function ipv6Bytes(address: string): Uint8Array {
  let text = address;
  const tail: number[] = [];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    tail.push(...(dotted[1] as string).split('.').map(Number));
    text = `${text.slice(0, -(dotted[1] as string).length)}0:0`;
  }
  const [head, rest] = text.includes('::') ? text.split('::') : [text, undefined];
  const left = head ? head.split(':') : [];
  const right = rest !== undefined && rest !== '' ? rest.split(':') : [];
  const groups =
    rest === undefined
      ? left
      : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  const bytes = new Uint8Array(16);
  groups.forEach((group, i) => {
    const value = parseInt(group, 16);
    bytes[i * 2] = value >> 8;
    bytes[i * 2 + 1] = value & 0xff;
  });
  if (tail.length) bytes.set(tail, 12);
  return bytes;
}

/** `a.b.c.d/n` or `x::y/n` (a bare address is a host route); null when malformed. */
export function parseCidr(text: string): Cidr | null {
  const [address, bits, ...extra] = text.trim().split('/');
  if (extra.length > 0 || !address) return null;
  const ip = parseIp(address);
  if (!ip || isIP(address) === 0) return null;
  const max = isIP(address) === 4 ? 32 : 128;
  if (bits !== undefined && !/^\d{1,3}$/.test(bits)) return null;
  const prefix = bits === undefined ? max : Number(bits);
  if (prefix > max) return null;
  // An IPv4-mapped IPv6 range is kept as the IPv4 range it denotes.
  if (ip.version === 4 && max === 128)
    return prefix >= 96 ? { version: 4, bytes: ip.bytes, prefix: prefix - 96 } : null;
  return { version: ip.version, bytes: ip.bytes, prefix };
}

export function ipInCidr(address: string, cidr: Cidr): boolean {
  const ip = parseIp(address);
  return ip !== null && parsedIpInCidr(ip, cidr);
}

/** For callers that test one address against many ranges: parse it once with parseIp. */
export function parsedIpInCidr(ip: { version: 4 | 6; bytes: Uint8Array }, cidr: Cidr): boolean {
  if (ip.version !== cidr.version) return false;
  let remaining = cidr.prefix;
  for (let i = 0; remaining > 0; i++, remaining -= 8) {
    const mask = remaining >= 8 ? 0xff : (0xff << (8 - remaining)) & 0xff;
    if (((ip.bytes[i] as number) & mask) !== ((cidr.bytes[i] as number) & mask)) return false;
  }
  return true;
}
