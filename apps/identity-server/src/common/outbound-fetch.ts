import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import * as http from 'node:http';
import * as https from 'node:https';
import { isIP } from 'node:net';
import { parseCidr, parseIp, parsedIpInCidr, type Cidr } from '#policy';

/**
 * fetch for URLs that tenants give us (their identity provider's issuer, its endpoints): the
 * server must not become a way into its own network (SSRF). Only https; http only to a loopback
 * host when allowLoopback (tests, local evaluation). The host is resolved when the socket
 * connects (a `lookup` on the request), and the address it connects to is the one checked, so a
 * name that resolves to a public address once and to 10.0.0.1 the next time (DNS rebinding)
 * gains nothing. Redirects are returned, never followed; bodies are read whole, up to maxBytes,
 * within timeoutMs for the whole exchange; no compression is asked for.
 */
export interface OutboundFetchOptions {
  allowLoopback: boolean;
  /** The whole exchange, connect to last body byte. */
  timeoutMs?: number;
  /** The largest response body accepted. */
  maxBytes?: number;
}

/** A URL or address the outbound fetch will not reach; `reason` is plain words for a person. */
export class OutboundUrlRefused extends Error {
  constructor(readonly reason: string) {
    super(`outbound request refused: ${reason}`);
    this.name = 'OutboundUrlRefused';
  }
}

/** A response body over maxBytes: the exchange is cut off. */
export class OutboundResponseTooLarge extends Error {
  constructor(readonly maxBytes: number) {
    super(`the response body is larger than ${maxBytes} bytes`);
    this.name = 'OutboundResponseTooLarge';
  }
}

export type AddressKind =
  | 'public'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'shared'
  | 'this-network'
  | 'unspecified'
  | 'unique-local'
  | 'multicast'
  | 'broadcast'
  | 'documentation'
  | 'reserved'
  | 'invalid';

const DESCRIBED: Record<Exclude<AddressKind, 'public'>, string> = {
  loopback: 'a loopback address',
  private: 'a private address',
  'link-local': 'a link-local address',
  shared: 'a carrier-grade NAT address (100.64.0.0/10)',
  'this-network': 'a "this network" address (0.0.0.0/8)',
  unspecified: 'the unspecified address',
  'unique-local': 'a unique-local IPv6 address (fc00::/7)',
  multicast: 'a multicast address',
  broadcast: 'the broadcast address',
  documentation: 'a documentation address',
  reserved: 'a reserved address',
  invalid: 'not an IP address',
};

function ranges(table: [string, AddressKind][]): { cidr: Cidr; kind: AddressKind }[] {
  return table.map(([text, kind]) => {
    const cidr = parseCidr(text);
    if (!cidr) throw new Error(`bad range ${text}`);
    return { cidr, kind };
  });
}

/** Most specific first where ranges nest (0.0.0.0/32 inside 0.0.0.0/8). */
const IPV4 = ranges([
  ['0.0.0.0/32', 'unspecified'],
  ['0.0.0.0/8', 'this-network'],
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'shared'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local'],
  ['172.16.0.0/12', 'private'],
  ['192.0.0.0/24', 'reserved'],
  ['192.0.2.0/24', 'documentation'],
  ['192.88.99.0/24', 'reserved'],
  ['192.168.0.0/16', 'private'],
  ['198.18.0.0/15', 'reserved'],
  ['198.51.100.0/24', 'documentation'],
  ['203.0.113.0/24', 'documentation'],
  ['224.0.0.0/4', 'multicast'],
  ['255.255.255.255/32', 'broadcast'],
  ['240.0.0.0/4', 'reserved'],
]);

const IPV6 = ranges([
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  // IPv4-compatible (deprecated) and IPv4-translated forms: nothing public is reached this way.
  ['::/96', 'reserved'],
  ['::ffff:0:0:0/96', 'reserved'],
  ['64:ff9b:1::/48', 'reserved'],
  ['100::/64', 'reserved'],
  ['2001::/32', 'reserved'],
  ['2001:db8::/32', 'documentation'],
  ['fc00::/7', 'unique-local'],
  ['fe80::/10', 'link-local'],
  ['fec0::/10', 'private'],
  ['ff00::/8', 'multicast'],
]);

const NAT64 = parseCidr('64:ff9b::/96') as Cidr;
const SIX_TO_FOUR = parseCidr('2002::/16') as Cidr;

function kindOfV4(bytes: Uint8Array): AddressKind {
  const ip = { version: 4 as const, bytes };
  return IPV4.find((r) => parsedIpInCidr(ip, r.cidr))?.kind ?? 'public';
}

/**
 * What an IP address is, for deciding whether the server may connect to it. IPv4-mapped IPv6
 * (::ffff:10.0.0.1) is the IPv4 address; NAT64 (64:ff9b::/96) and 6to4 (2002::/16) addresses
 * are what the IPv4 address inside them is.
 */
export function classifyAddress(address: string): AddressKind {
  const text = address.replace(/^\[|\]$/g, '');
  if (isIP(text) === 0) return 'invalid';
  const ip = parseIp(text);
  if (!ip) return 'invalid';
  if (ip.version === 4) return kindOfV4(ip.bytes);
  if (parsedIpInCidr(ip, NAT64)) return kindOfV4(ip.bytes.slice(12));
  if (parsedIpInCidr(ip, SIX_TO_FOUR)) return kindOfV4(ip.bytes.slice(2, 6));
  return IPV6.find((r) => parsedIpInCidr(ip, r.cidr))?.kind ?? 'public';
}

/** Why the server may not connect to `address`, or null when it may. */
export function addressRefusal(address: string, allowLoopback: boolean): string | null {
  const kind = classifyAddress(address);
  if (kind === 'public' || (kind === 'loopback' && allowLoopback)) return null;
  return `${address} is ${DESCRIBED[kind]}`;
}

/** Names that are loopback by definition (RFC 6761 localhost, 127/8, ::1). */
export function isLoopbackHostname(hostname: string): boolean {
  const host = hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  return isIP(host) !== 0 && classifyAddress(host) === 'loopback';
}

/**
 * Whether the outbound fetch would try this URL at all (scheme, host, credentials); addresses
 * are checked again when it connects. Throws OutboundUrlRefused; returns the parsed URL.
 */
export function assertOutboundUrl(input: string | URL, allowLoopback: boolean): URL {
  let url: URL;
  try {
    url = new URL(String(input));
  } catch {
    throw new OutboundUrlRefused('it is not a valid URL');
  }
  if (url.protocol === 'http:') {
    if (!allowLoopback || !isLoopbackHostname(url.hostname))
      throw new OutboundUrlRefused(
        allowLoopback
          ? 'plain http is allowed only to a loopback host; use https'
          : 'it must use https',
      );
  } else if (url.protocol !== 'https:') {
    throw new OutboundUrlRefused('it must use https');
  }
  if (url.username || url.password)
    throw new OutboundUrlRefused('it carries a user name or password');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (host === '') throw new OutboundUrlRefused('it names no host');
  if (isIP(host) !== 0) {
    const refusal = addressRefusal(host, allowLoopback);
    if (refusal) throw new OutboundUrlRefused(refusal);
  }
  return url;
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * net's `lookup` hook: resolves the name, refuses the connection when any address it resolves
 * to is not allowed (`loopbackOnly` for plain http), else hands the addresses on.
 */
function guardedLookup(allowLoopback: boolean, loopbackOnly: boolean) {
  return (
    hostname: string,
    options: { all?: boolean; family?: number },
    callback: LookupCallback,
  ) => {
    dnsLookup(hostname, { family: options.family ?? 0, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      if (addresses.length === 0) {
        const missing: NodeJS.ErrnoException = new Error(`${hostname} has no address`);
        missing.code = 'ENOTFOUND';
        return callback(missing, []);
      }
      for (const { address } of addresses) {
        const refusal = loopbackOnly
          ? classifyAddress(address) === 'loopback'
            ? null
            : `${hostname} resolves to ${address}, not a loopback address`
          : addressRefusal(address, allowLoopback);
        if (refusal) {
          return callback(
            new OutboundUrlRefused(
              refusal.startsWith(hostname) ? refusal : `${hostname}: ${refusal}`,
            ),
            [],
          );
        }
      }
      if (options.all) return callback(null, addresses);
      const first = addresses[0] as LookupAddress;
      return callback(null, first.address, first.family);
    });
  };
}

const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

interface Outgoing {
  url: URL;
  method: string;
  headers: Headers;
  body: Buffer | null;
  signal: AbortSignal | null;
}

async function outgoingOf(
  input: string | URL | Request,
  init: RequestInit | undefined,
  allowLoopback: boolean,
  maxBytes: number,
): Promise<Outgoing> {
  const request = input instanceof Request ? input : null;
  const url = assertOutboundUrl(input instanceof Request ? input.url : input, allowLoopback);
  const method = (init?.method ?? request?.method ?? 'GET').toUpperCase();
  const headers = new Headers(init?.headers ?? request?.headers ?? undefined);
  let body: Buffer | null = null;
  const source = init?.body !== undefined ? init.body : request?.body ? request : null;
  if (source !== null && source !== undefined) {
    // A Response reads any body fetch takes (string, URLSearchParams, bytes, Blob, stream) and
    // names the content type those imply.
    const read =
      source instanceof Request
        ? source
        : new Response(source as ConstructorParameters<typeof Response>[0]);
    const type = read.headers.get('content-type');
    if (type !== null && !headers.has('content-type')) headers.set('content-type', type);
    body = Buffer.from(await read.arrayBuffer());
    if (body.length > maxBytes) throw new OutboundResponseTooLarge(maxBytes);
  }
  if (body !== null && (method === 'GET' || method === 'HEAD'))
    throw new TypeError(`a ${method} request has no body`);
  return { url, method, headers, body, signal: init?.signal ?? request?.signal ?? null };
}

/** See OutboundFetchOptions. The result has fetch's signature and answers a real Response. */
export function createOutboundFetch(options: OutboundFetchOptions): typeof fetch {
  const { allowLoopback } = options;
  const timeoutMs = options.timeoutMs ?? 5000;
  const maxBytes = options.maxBytes ?? 1_000_000;

  return async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const out = await outgoingOf(input, init, allowLoopback, maxBytes);
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = out.signal ? AbortSignal.any([out.signal, timeout]) : timeout;
    signal.throwIfAborted();

    const headers: Record<string, string> = {};
    out.headers.forEach((value, name) => {
      headers[name] = value;
    });
    // Never compressed (no inflating a small answer into a huge one), never a caller's Host.
    headers['accept-encoding'] = 'identity';
    delete headers.host;
    if (out.body !== null) headers['content-length'] = String(out.body.length);

    const plain = out.url.protocol === 'http:';
    const transport = plain ? http : https;
    return new Promise<Response>((resolve, reject) => {
      let settled = false;
      const fail = (error: unknown) => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        req.destroy();
        // As is: an abort's reason is a DOMException (TimeoutError, AbortError), like fetch's.
        reject(
          typeof error === 'object' && error !== null
            ? (error as Error)
            : new TypeError(String(error)),
        );
      };
      const onAbort = () => fail(signal.reason);
      const req = transport.request(
        {
          protocol: out.url.protocol,
          hostname: out.url.hostname.replace(/^\[|\]$/g, ''),
          port: out.url.port || undefined,
          path: `${out.url.pathname}${out.url.search}`,
          method: out.method,
          headers,
          // A fresh connection each time: no pooled socket that some other code opened.
          agent: false,
          lookup: guardedLookup(allowLoopback, plain) as unknown as typeof dnsLookup,
        },
        (res) => {
          const declared = Number(res.headers['content-length']);
          if (Number.isFinite(declared) && declared > maxBytes)
            return fail(new OutboundResponseTooLarge(maxBytes));
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > maxBytes) return fail(new OutboundResponseTooLarge(maxBytes));
            chunks.push(chunk);
          });
          res.on('error', fail);
          res.on('aborted', () => fail(new TypeError('the connection closed mid-response')));
          res.on('end', () => {
            if (settled) return;
            try {
              const status = res.statusCode ?? 0;
              if (status < 200 || status > 599)
                throw new TypeError(`the server answered status ${status}`);
              const responseHeaders = new Headers();
              for (let i = 0; i + 1 < res.rawHeaders.length; i += 2)
                responseHeaders.append(
                  res.rawHeaders[i] as string,
                  res.rawHeaders[i + 1] as string,
                );
              const body = NULL_BODY_STATUSES.has(status) ? null : Buffer.concat(chunks);
              const response = new Response(body, {
                status,
                statusText: res.statusMessage ?? '',
                headers: responseHeaders,
              });
              // fetch's Response says where it came from; redirects were not followed.
              Object.defineProperty(response, 'url', { value: out.url.href });
              settled = true;
              signal.removeEventListener('abort', onAbort);
              resolve(response);
            } catch (error) {
              fail(error);
            }
          });
        },
      );
      req.on('error', fail);
      signal.addEventListener('abort', onAbort, { once: true });
      req.end(out.body ?? undefined);
    });
  };
}
