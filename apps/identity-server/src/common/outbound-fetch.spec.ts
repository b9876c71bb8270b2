import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  addressRefusal,
  assertOutboundUrl,
  classifyAddress,
  createOutboundFetch,
  isLoopbackHostname,
  OutboundResponseTooLarge,
  OutboundUrlRefused,
  type AddressKind,
} from './outbound-fetch.js';

describe('classifyAddress', () => {
  it.each<[string, AddressKind]>([
    ['8.8.8.8', 'public'],
    ['1.1.1.1', 'public'],
    ['93.184.216.34', 'public'],
    ['172.15.255.255', 'public'],
    ['172.32.0.1', 'public'],
    ['100.63.255.255', 'public'],
    ['100.128.0.0', 'public'],
    ['192.169.0.1', 'public'],
    ['2606:4700:4700::1111', 'public'],
    ['2001:4860:4860::8888', 'public'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['169.254.0.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf::1', 'link-local'],
    ['100.64.0.1', 'shared'],
    ['100.127.255.255', 'shared'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['0.1.2.3', 'this-network'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456:789a::1', 'unique-local'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.1', 'documentation'],
    ['2001:db8::1', 'documentation'],
    // IPv4-mapped IPv6, in every spelling, is the IPv4 address.
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['0:0:0:0:0:ffff:7f00:1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['::ffff:192.168.0.1', 'private'],
    ['::ffff:0.0.0.0', 'unspecified'],
    ['::ffff:8.8.8.8', 'public'],
    // IPv4 inside NAT64 and 6to4 is what decides.
    ['64:ff9b::a00:1', 'private'],
    ['64:ff9b::808:808', 'public'],
    ['2002:a9fe:a9fe::1', 'link-local'],
    ['2002:0808:0808::1', 'public'],
    ['::127.0.0.1', 'reserved'],
    ['2001::1', 'reserved'],
    ['localhost', 'invalid'],
    ['10.0.0.01', 'invalid'],
    ['2130706433', 'invalid'],
    ['0x7f.0.0.1', 'invalid'],
    ['', 'invalid'],
  ])('%s is %s', (address, kind) => {
    expect(classifyAddress(address)).toBe(kind);
  });

  it('refuses all but public addresses, and loopback only when allowed', () => {
    expect(addressRefusal('8.8.8.8', false)).toBeNull();
    expect(addressRefusal('127.0.0.1', true)).toBeNull();
    expect(addressRefusal('127.0.0.1', false)).toBe('127.0.0.1 is a loopback address');
    expect(addressRefusal('10.0.0.1', true)).toBe('10.0.0.1 is a private address');
    expect(addressRefusal('::ffff:169.254.169.254', true)).toMatch(/link-local/);
  });

  it.each([
    ['localhost', true],
    ['LOCALHOST.', true],
    ['a.localhost', true],
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['[::1]', true],
    ['example.com', false],
    ['localhost.example.com', false],
    ['10.0.0.1', false],
  ])('isLoopbackHostname(%s) is %s', (host, expected) => {
    expect(isLoopbackHostname(host)).toBe(expected);
  });
});

describe('assertOutboundUrl', () => {
  it.each([
    ['http://example.com/', false, /https/],
    ['http://example.com/', true, /loopback/],
    ['http://127.0.0.1:1/', false, /https/],
    ['ftp://example.com/', true, /https/],
    ['file:///etc/passwd', true, /https/],
    ['https://user:pw@example.com/', false, /user name or password/],
    ['https://10.0.0.1/', false, /10\.0\.0\.1 is a private address/],
    ['https://169.254.169.254/latest/meta-data', true, /link-local/],
    ['https://[::ffff:a00:1]/', true, /private/],
    ['https://[fd00::1]/', true, /unique-local/],
    ['https://0.0.0.0/', true, /unspecified/],
    ['https://127.0.0.1/', false, /loopback/],
    ['not a url', true, /not a valid URL/],
  ])('%s (allowLoopback %s) is refused', (url, allowLoopback, reason) => {
    expect(() => assertOutboundUrl(url, allowLoopback)).toThrow(OutboundUrlRefused);
    expect(() => assertOutboundUrl(url, allowLoopback)).toThrow(reason);
  });

  it.each([
    ['https://example.com/', false],
    ['https://8.8.8.8/', false],
    ['http://127.0.0.1:8080/x', true],
    ['http://localhost:8080/', true],
    ['http://[::1]:8080/', true],
    ['https://127.0.0.1/', true],
  ])('%s (allowLoopback %s) may be tried', (url, allowLoopback) => {
    expect(assertOutboundUrl(url, allowLoopback).href).toBe(new URL(url).href);
  });
});

describe('createOutboundFetch against a local server', () => {
  type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;
  let server: Server;
  let base: string;
  let handler: Handler;
  const seen: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[] =
    [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        handler(req, res, body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    seen.length = 0;
  });

  const loopbackFetch = createOutboundFetch({ allowLoopback: true });

  it('GETs and passes status, headers and body through', async () => {
    handler = (_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.setHeader('set-cookie', ['a=1', 'b=2']);
      res.setHeader('x-extra', 'yes');
      res.writeHead(201, 'Made');
      res.end(JSON.stringify({ ok: true }));
    };
    const res = await loopbackFetch(`${base}/.well-known/openid-configuration?x=1`, {
      headers: { accept: 'application/json', 'x-custom': 'v' },
    });
    expect(res).toBeInstanceOf(Response);
    expect(res.status).toBe(201);
    expect(res.statusText).toBe('Made');
    expect(res.ok).toBe(true);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('x-extra')).toBe('yes');
    expect(res.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(res.url).toBe(`${base}/.well-known/openid-configuration?x=1`);
    expect(await res.json()).toEqual({ ok: true });
    expect(seen[0]).toMatchObject({
      method: 'GET',
      url: '/.well-known/openid-configuration?x=1',
      headers: { accept: 'application/json', 'x-custom': 'v', 'accept-encoding': 'identity' },
    });
  });

  it('POSTs a form body (URLSearchParams, string, bytes) with headers as Headers, record or pairs', async () => {
    handler = (_req, res, body) => res.end(`got ${body}`);
    const form = new URLSearchParams({ grant_type: 'authorization_code', code: 'a b&c' });
    const first = await loopbackFetch(new URL(`${base}/token`), {
      method: 'POST',
      body: form,
      headers: new Headers({ authorization: 'Basic xyz' }),
    });
    expect(await first.text()).toBe(`got ${form.toString()}`);
    expect(seen[0]!.headers['content-type']).toBe(
      'application/x-www-form-urlencoded;charset=UTF-8',
    );
    expect(seen[0]!.headers['content-length']).toBe(String(form.toString().length));
    expect(seen[0]!.headers.authorization).toBe('Basic xyz');

    await loopbackFetch(`${base}/token`, {
      method: 'post',
      body: 'a=1',
      headers: [['content-type', 'application/x-www-form-urlencoded']],
    });
    expect(seen[1]).toMatchObject({
      method: 'POST',
      body: 'a=1',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });

    await loopbackFetch(`${base}/token`, {
      method: 'POST',
      body: new TextEncoder().encode('bytes'),
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(seen[2]!.body).toBe('bytes');
  });

  it('takes a Request as input', async () => {
    handler = (_req, res, body) => res.end(body);
    const res = await loopbackFetch(
      new Request(`${base}/r`, { method: 'POST', body: 'from a request', headers: { 'x-a': '1' } }),
    );
    expect(await res.text()).toBe('from a request');
    expect(seen[0]).toMatchObject({ method: 'POST', headers: { 'x-a': '1' } });
  });

  it('returns a redirect as is and does not follow it', async () => {
    handler = (req, res) => {
      if (req.url === '/moved') {
        res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data' });
        res.end();
      } else res.end('should not be reached');
    };
    const res = await loopbackFetch(`${base}/moved`, { redirect: 'follow' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('http://169.254.169.254/latest/meta-data');
    expect(seen).toHaveLength(1);
  });

  it('answers a 204 with no body and a 500 as a 500', async () => {
    handler = (req, res) => {
      res.writeHead(req.url === '/none' ? 204 : 500);
      res.end(req.url === '/none' ? undefined : 'broken');
    };
    const none = await loopbackFetch(`${base}/none`);
    expect(none.status).toBe(204);
    expect(none.body).toBeNull();
    const broken = await loopbackFetch(`${base}/broken`);
    expect(broken.status).toBe(500);
    expect(await broken.text()).toBe('broken');
  });

  it('aborts after the timeout', async () => {
    handler = () => undefined; // never answers
    const slow = createOutboundFetch({ allowLoopback: true, timeoutMs: 200 });
    const started = Date.now();
    await expect(slow(`${base}/slow`)).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('aborts a body that trickles past the timeout', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{');
    };
    const slow = createOutboundFetch({ allowLoopback: true, timeoutMs: 300 });
    await expect(slow(`${base}/trickle`)).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it("follows the caller's signal", async () => {
    handler = () => undefined;
    const controller = new AbortController();
    const pending = loopbackFetch(`${base}/wait`, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    await expect(loopbackFetch(`${base}/wait`, { signal: AbortSignal.abort() })).rejects.toThrow();
  });

  it('cuts bodies over maxBytes, declared or streamed', async () => {
    const small = createOutboundFetch({ allowLoopback: true, maxBytes: 1000 });
    handler = (_req, res) => res.end('x'.repeat(1001));
    await expect(small(`${base}/big`)).rejects.toBeInstanceOf(OutboundResponseTooLarge);
    handler = (_req, res) => {
      res.writeHead(200); // chunked: no content-length
      for (let i = 0; i < 20; i++) res.write('y'.repeat(100));
      res.end();
    };
    await expect(small(`${base}/chunked`)).rejects.toBeInstanceOf(OutboundResponseTooLarge);
    handler = (_req, res) => res.end('z'.repeat(1000));
    expect((await (await small(`${base}/exact`)).text()).length).toBe(1000);
  });

  it('refuses loopback without allowLoopback, by URL and at connect time', async () => {
    handler = (_req, res) => res.end('reached');
    const strict = createOutboundFetch({ allowLoopback: false });
    await expect(strict(`${base}/x`)).rejects.toBeInstanceOf(OutboundUrlRefused);
    const port = (server.address() as AddressInfo).port;
    // A name, resolved when connecting: localhost is a loopback address.
    await expect(strict(`https://localhost:${port}/x`)).rejects.toThrow(
      /localhost.*loopback address/,
    );
    await expect(strict(`https://127.0.0.1:${port}/x`)).rejects.toBeInstanceOf(OutboundUrlRefused);
    await expect(strict(`https://[::ffff:127.0.0.1]:${port}/x`)).rejects.toBeInstanceOf(
      OutboundUrlRefused,
    );
    expect(seen).toHaveLength(0);
  });

  it('refuses private and metadata addresses before any connection, with a reason', async () => {
    const started = Date.now();
    for (const url of [
      'https://10.0.0.1/.well-known/openid-configuration',
      'https://169.254.169.254/latest/meta-data',
      'https://[fe80::1]/',
      'https://100.64.0.1/',
      'http://example.com/',
    ]) {
      await expect(loopbackFetch(url)).rejects.toBeInstanceOf(OutboundUrlRefused);
    }
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('lets plain http reach only names that resolve to loopback', async () => {
    handler = (_req, res) => res.end('ok');
    await expect(
      loopbackFetch(`http://localhost:${(server.address() as AddressInfo).port}/`).then((r) =>
        r.text(),
      ),
    ).resolves.toBe('ok');
  });
});
