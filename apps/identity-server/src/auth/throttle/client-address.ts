import { isIP } from 'node:net';

/**
 * What a per-address limit counts: an IPv4 address as it is, an IPv6 address by its /64 (one
 * host is commonly given a whole /64, so counting single IPv6 addresses would let it rotate past
 * any limit). IPv4-mapped IPv6 (`::ffff:203.0.113.7`) counts as the IPv4 address.
 */
export function addressSubject(ip: string | null): string {
  if (!ip) return 'unknown';
  const address = ip.split('%')[0] ?? ip;
  const version = isIP(address);
  if (version === 4) return address;
  if (version !== 6) return 'unknown';
  const hextets = expandIpv6(address.toLowerCase());
  if (hextets.slice(0, 5).every((h) => h === 0) && hextets[5] === 0xffff) {
    const [a, b] = [hextets[6] ?? 0, hextets[7] ?? 0];
    return `${a >> 8}.${a & 255}.${b >> 8}.${b & 255}`;
  }
  return `${hextets
    .slice(0, 4)
    .map((h) => h.toString(16))
    .join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address (isIP has checked it). */
function expandIpv6(address: string): number[] {
  let text = address;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = (dotted[1] as string).split('.').map(Number) as [
      number,
      number,
      number,
      number,
    ];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const fill = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...fill, ...right].map((h) => parseInt(h, 16));
}
