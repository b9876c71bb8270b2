import { clientErrorException } from './client-errors.js';
import { ErrorCode } from './errors.js';

const overflow = (packet: string) =>
  Object.assign(new Error('Header overflow'), {
    code: 'HPE_HEADER_OVERFLOW',
    rawPacket: Buffer.from(packet, 'latin1'),
  });

describe("the HTTP parser's refusals", () => {
  it('read headers over the limit as 431 and a request line over it as 414', () => {
    const headers = clientErrorException(
      overflow(`GET /api/v1/tenants HTTP/1.1\r\nx-filler: ${'h'.repeat(20_000)}\r\n`),
    );
    expect({ code: headers.code, status: headers.status }).toEqual({
      code: ErrorCode.HeadersTooLarge,
      status: 431,
    });
    const url = clientErrorException(
      overflow(`GET /api/v1/tenants?q=${'q'.repeat(20_000)} HTTP/1.1\r\nhost: x\r\n`),
    );
    expect({ code: url.code, status: url.status }).toEqual({
      code: ErrorCode.UriTooLong,
      status: 414,
    });
    // a packet from the middle of the headers says nothing about the URL
    expect(clientErrorException(overflow('h'.repeat(20_000))).code).toBe(ErrorCode.HeadersTooLarge);
  });

  it('read timeouts as 408 and anything else as 400', () => {
    const timeout = Object.assign(new Error('t'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' });
    expect(clientErrorException(timeout).status).toBe(408);
    const bad = Object.assign(new Error('b'), { code: 'HPE_INVALID_HEADER_TOKEN' });
    expect(clientErrorException(bad).code).toBe(ErrorCode.MalformedRequest);
  });
});
