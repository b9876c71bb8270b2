import { connect } from 'node:net';
import type { TestApp } from './app.js';

/**
 * How the fuzz suite sends: in process through Fastify's inject (no socket, a fraction of a
 * millisecond of overhead), or as raw bytes over a real socket where Node's HTTP parser is part
 * of what is tested (header size limits, bytes no client library would send).
 */
export interface FuzzRequest {
  method: string;
  /** Path and query string, already encoded as they go on the wire. */
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
  /** Over a socket, as raw bytes. */
  http?: boolean;
  /**
   * Node's HTTP parser refuses it (header size, bytes not allowed in a request line) before the
   * server has a URL to read: on a SCIM path, either error format is right.
   */
  unparsable?: boolean;
}

export interface FuzzResponse {
  status: number;
  contentType: string;
  text: string;
  body: any;
}

function parsed(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return text;
  }
}

export async function send(t: TestApp, req: FuzzRequest): Promise<FuzzResponse> {
  if (req.http) return sendRaw(t, req);
  const res = await t.app.inject({
    method: req.method as 'GET',
    url: req.url,
    headers: req.headers,
    ...(req.payload !== undefined ? { payload: req.payload } : {}),
  });
  return {
    status: res.statusCode,
    contentType: String(res.headers['content-type'] ?? ''),
    text: res.body,
    body: parsed(res.body),
  };
}

/** One request on its own connection; the answer is read to the end of the connection. */
function sendRaw(t: TestApp, req: FuzzRequest): Promise<FuzzResponse> {
  const { hostname, port } = new URL(t.baseUrl);
  const payload =
    req.payload === undefined
      ? Buffer.alloc(0)
      : Buffer.isBuffer(req.payload)
        ? req.payload
        : Buffer.from(req.payload, 'utf8');
  const headers: Record<string, string> = { host: `${hostname}:${port}`, ...req.headers };
  if (!('transfer-encoding' in headers) && (payload.length > 0 || req.method !== 'GET'))
    headers['content-length'] = String(payload.length);
  headers.connection = 'close';
  const head = Buffer.from(
    `${req.method} ${req.url} HTTP/1.1\r\n` +
      Object.entries(headers)
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join('') +
      '\r\n',
    'latin1',
  );
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer within 10 s')));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', (e) => {
      // A server that answers and closes before reading all we sent resets the connection.
      if (chunks.length > 0) socket.emit('end');
      else reject(e);
    });
    socket.once('end', () => {
      socket.destroy();
      resolve(parseRaw(Buffer.concat(chunks)));
    });
    socket.write(Buffer.concat([head, payload]));
  });
}

function parseRaw(raw: Buffer): FuzzResponse {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.subarray(0, split === -1 ? raw.length : split).toString('latin1');
  let body = split === -1 ? Buffer.alloc(0) : raw.subarray(split + 4);
  const [statusLine, ...lines] = head.split('\r\n');
  const headers = new Map(
    lines.map((l) => [
      l.slice(0, l.indexOf(':')).trim().toLowerCase(),
      l.slice(l.indexOf(':') + 1).trim(),
    ]),
  );
  if (headers.get('transfer-encoding') === 'chunked') body = dechunk(body);
  const text = body.toString('utf8');
  return {
    status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '')?.[1] ?? 0),
    contentType: headers.get('content-type') ?? '',
    text,
    body: parsed(text),
  };
}

function dechunk(body: Buffer): Buffer {
  const out: Buffer[] = [];
  let at = 0;
  while (at < body.length) {
    const eol = body.indexOf('\r\n', at);
    if (eol === -1) break;
    const size = parseInt(body.subarray(at, eol).toString('latin1'), 16);
    if (!size) break;
    out.push(body.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(out);
}

export const SCIM_ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

/**
 * What is wrong with an answer, or undefined. A 5xx is always wrong. An error answer on a SCIM
 * path is RFC 7644's error body (its `status` a string equal to the HTTP status); elsewhere it is
 * RFC 9457 problem+json with a string `code` and the HTTP status.
 */
export function answerProblem(req: FuzzRequest, res: FuzzResponse): string | undefined {
  const path = req.url.split('?')[0]!;
  if (res.status >= 500) return `server error ${res.status}`;
  if (res.status === 0) return 'no HTTP answer';
  if (res.status < 400) return undefined;
  const body = res.body as Record<string, unknown> | undefined;
  if (/^\/scim\/v2(\/|\?|$)/.test(path) && !(req.unparsable && isProblem(res))) {
    const schemas = body?.schemas;
    if (
      !Array.isArray(schemas) ||
      !schemas.includes(SCIM_ERROR) ||
      body?.status !== String(res.status) ||
      !/application\/(scim\+)?json/.test(res.contentType)
    )
      return `not a SCIM error body (${res.contentType || 'no content type'})`;
    return undefined;
  }
  if (!isProblem(res))
    return `not problem+json with a code (${res.contentType || 'no content type'})`;
  return undefined;
}

function isProblem(res: FuzzResponse): boolean {
  const body = res.body as Record<string, unknown> | undefined;
  return (
    res.contentType.includes('application/problem+json') &&
    typeof body?.code === 'string' &&
    body.status === res.status
  );
}
