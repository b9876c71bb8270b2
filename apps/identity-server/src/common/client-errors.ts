import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { DomainException, ErrorCode } from './errors.js';
import { toProblem, type ErrorRenderer } from './problem.filter.js';

/** Node's limit on the request line and headers together (--max-http-header-size). */
const HEADER_LIMIT_KB = 16;

/** Fastify types rawPacket as a serialized Buffer; at run time it is the Buffer Node parsed. */
interface ConnectionError extends Error {
  code?: string;
  rawPacket?: unknown;
}

/**
 * The target of the request line, when the refused packet starts with one, and whether that line
 * alone reaches the limit (it does when it does not end within the packet).
 */
function requestLineOf(packet: unknown): { target: string; tooLong: boolean } | null {
  if (!Buffer.isBuffer(packet)) return null;
  const match = /^[A-Z]{3,10} (\/[^ \r\n]*)/.exec(packet.subarray(0, 4096).toString('latin1'));
  if (!match) return null;
  const end = packet.indexOf('\n');
  return {
    target: match[1] as string,
    tooLong: end === -1 || end >= HEADER_LIMIT_KB * 1024,
  };
}

/** What Node's HTTP parser refused, as a domain error with its stable code. */
export function clientErrorException(error: ConnectionError): DomainException {
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT')
    return new DomainException(ErrorCode.RequestTimeout, 'The request did not arrive in time');
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    const line = requestLineOf(error.rawPacket);
    // A request line that reaches the limit by itself is a URL too long, not headers.
    if (line?.tooLong)
      return new DomainException(
        ErrorCode.UriTooLong,
        `The URL exceeds the ${HEADER_LIMIT_KB} KB limit`,
        undefined,
        414,
      );
    return new DomainException(
      ErrorCode.HeadersTooLarge,
      `The request line and headers exceed the ${HEADER_LIMIT_KB} KB limit`,
    );
  }
  return new DomainException(ErrorCode.MalformedRequest, 'The HTTP request could not be parsed');
}

/**
 * Node's 'clientError' handler: what its HTTP parser refuses before Fastify sees a request (431
 * for headers over the limit, 400 for a malformed request, 408 for one that never finished) is
 * written to the socket as a problem, or as the error body of the transport whose path the
 * request line names, with the headers every answer carries; then the connection is closed, as
 * Node does.
 */
export function createClientErrorHandler(options: {
  headers: readonly (readonly [string, string])[];
  renderers: readonly ErrorRenderer[];
}): (error: ConnectionError, socket: Socket) => void {
  return (error, socket) => {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    if (socket.writable) {
      const exception = clientErrorException(error);
      const target = requestLineOf(error.rawPacket)?.target;
      const renderer =
        target === undefined ? undefined : options.renderers.find((r) => r.matches(target));
      const answer = renderer
        ? renderer.answer(exception)
        : {
            status: exception.status,
            contentType: 'application/problem+json; charset=utf-8',
            body: toProblem(exception),
          };
      const payload = Buffer.from(JSON.stringify(answer.body), 'utf8');
      const lines = [
        `HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status] ?? 'Error'}`,
        `content-type: ${answer.contentType}`,
        `content-length: ${payload.length}`,
        'connection: close',
        'cache-control: no-store',
        ...options.headers.map(([name, value]) => `${name}: ${value}`),
      ];
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
      socket.write(payload);
    }
    socket.destroy(error);
  };
}
