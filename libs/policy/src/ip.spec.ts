import { ipInCidr, parseCidr, parseIp } from './ip.js';

const inRange = (ip: string, cidr: string) => ipInCidr(ip, parseCidr(cidr)!);

describe('IP ranges', () => {
  it.each([
    ['10.1.2.3', '10.0.0.0/8', true],
    ['11.1.2.3', '10.0.0.0/8', false],
    ['192.168.1.255', '192.168.1.0/24', true],
    ['192.168.2.0', '192.168.1.0/24', false],
    ['203.0.113.7', '203.0.113.7', true],
    ['203.0.113.8', '203.0.113.7/32', false],
    ['1.2.3.4', '0.0.0.0/0', true],
    ['172.16.5.4', '172.16.0.0/12', true],
    ['172.32.0.1', '172.16.0.0/12', false],
    ['2001:db8::1', '2001:db8::/32', true],
    ['2001:db9::1', '2001:db8::/32', false],
    ['2001:db8:abcd:12::7', '2001:db8:abcd:0010::/60', true],
    ['2001:db8:abcd:20::7', '2001:db8:abcd:0010::/60', false],
    ['::1', '::1/128', true],
    ['::ffff:10.0.0.9', '10.0.0.0/8', true],
    ['10.0.0.9', '::ffff:10.0.0.0/104', true],
    ['10.0.0.9', '2001:db8::/32', false],
    ['2001:db8::1', '10.0.0.0/8', false],
    ['fe80::1%eth0', 'fe80::/10', true],
    ['not an ip', '10.0.0.0/8', false],
  ])('%s in %s: %s', (ip, cidr, expected) => {
    expect(inRange(ip, cidr)).toBe(expected);
  });

  it.each([
    '10.0.0.0/33',
    '10.0.0/8',
    '10.0.0.0/-1',
    '10.0.0.0/8/9',
    '2001:db8::/129',
    'example.com/24',
    '',
    '10.0.0.0/ 8',
    '::ffff:10.0.0.0/64',
  ])('refuses the malformed CIDR %p', (cidr) => {
    expect(parseCidr(cidr)).toBeNull();
  });

  it('reads embedded IPv4 and compressed IPv6', () => {
    expect(Array.from(parseIp('::ffff:192.0.2.1')!.bytes)).toEqual([192, 0, 2, 1]);
    expect(Array.from(parseIp('2001:db8::ff00:42:8329')!.bytes)).toEqual([
      0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0xff, 0x00, 0x00, 0x42, 0x83, 0x29,
    ]);
  });
});

describe('IPv4 parsing', () => {
  it.each(['1.2.3.4', '0.0.0.0', '255.255.255.255', '10.0.0.1'])('reads %s', (text) => {
    expect(Array.from(parseIp(text)?.bytes ?? [])).toEqual(text.split('.').map(Number));
  });
  it.each([
    '1.2.3',
    '1.2.3.4.5',
    '256.1.1.1',
    '01.2.3.4',
    '1..2.3',
    '1.2.3.',
    '',
    'a.b.c.d',
    '1.2.3.4 ',
  ])('refuses %j', (text) => {
    expect(parseIp(text)).toBeNull();
  });
});
