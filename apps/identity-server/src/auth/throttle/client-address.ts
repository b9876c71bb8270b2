import { parseIp } from '#policy';

/**
 * What a per-address limit counts: an IPv4 address as it is, an IPv6 address by its /64 (one
 * host is commonly given a whole /64, so counting single IPv6 addresses would let it rotate past
 * any limit). IPv4-mapped IPv6 (`::ffff:203.0.113.7`) counts as the IPv4 address. Parsing is the
 * access rules' (`parseIp` in libs/policy).
 */
export function addressSubject(ip: string | null): string {
  const parsed = ip ? parseIp(ip.split('%')[0] ?? ip) : null;
  if (!parsed) return 'unknown';
  const { version, bytes } = parsed;
  if (version === 4) return bytes.join('.');
  const hextets: string[] = [];
  for (let i = 0; i < 8; i += 2)
    hextets.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  return `${hextets.join(':')}::/64`;
}
