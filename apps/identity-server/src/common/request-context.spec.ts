import type { FastifyRequest } from 'fastify';
import { DomainException, ErrorCode } from './errors.js';
import type { Principal } from './principal.js';
import {
  granterRole,
  requestContextOf,
  tenantContextOf,
  userContextOf,
} from './request-context.js';

function request(fields: Partial<FastifyRequest>): FastifyRequest {
  return {
    ip: '203.0.113.7',
    id: 'req-1',
    headers: { 'user-agent': 'test' },
    ...fields,
  } as FastifyRequest;
}

describe('requestContextOf', () => {
  it('gathers what the guards set, with nulls where a route has no tenant', () => {
    const ctx = requestContextOf(request({ principal: { kind: 'operator', id: 'platform' } }));
    expect(ctx).toEqual({
      principal: { kind: 'operator', id: 'platform' },
      tenantId: null,
      membership: null,
      policy: null,
      teamLeadOnly: false,
      meta: { ip: '203.0.113.7', userAgent: 'test', requestId: 'req-1' },
    });
  });

  it('carries the tenant, membership and lead-only flag of a :tenantId route', () => {
    const ctx = requestContextOf(
      request({
        principal: { kind: 'api_key', id: 'k', tenantId: 't', role: 'member', name: 'ci' },
        tenantId: 't',
        membership: { id: 'm', role: 'member' },
        teamLeadOnly: true,
      }),
    );
    expect([ctx.tenantId, ctx.membership, ctx.teamLeadOnly]).toEqual([
      't',
      { id: 'm', role: 'member' },
      true,
    ]);
  });

  it('fails loudly on a route the guards did not authenticate', () => {
    expect(() => requestContextOf(request({}))).toThrow('without authentication');
  });
});

const operator: Principal = { kind: 'operator', id: 'platform' };
const key: Principal = { kind: 'api_key', id: 'k', tenantId: 't', role: 'member', name: 'ci' };
const user: Principal = {
  kind: 'user',
  id: 'a',
  sessionId: 's',
  sessionCreatedAt: 0,
  signInMethod: 'password',
  identityId: null,
  signInDirectory: null,
  personalKeyId: null,
  mfaVerified: false,
};

function codeOf(read: () => unknown): ErrorCode | undefined {
  try {
    read();
  } catch (error) {
    if (error instanceof DomainException) return error.code;
    throw error;
  }
  return undefined;
}

describe('tenantContextOf and userContextOf', () => {
  it('narrow the context when the guard set what they promise', () => {
    expect(tenantContextOf(request({ principal: key, tenantId: 't' })).tenantId).toBe('t');
    expect(userContextOf(request({ principal: user })).principal.id).toBe('a');
  });

  // A wiring mistake answers like a refusal (4xx with a stable code), never a 500.
  it.each([
    [
      'a tenant context on a route without :tenantId',
      () => tenantContextOf(request({ principal: user })),
      ErrorCode.TenantNotFound,
    ],
    [
      'a user context for an API key',
      () => userContextOf(request({ principal: key })),
      ErrorCode.SignInRequired,
    ],
    [
      'a user context for the operator',
      () => userContextOf(request({ principal: operator })),
      ErrorCode.SignInRequired,
    ],
  ])('refuse %s', (_, read, code) => {
    expect(codeOf(read)).toBe(code);
  });
});

describe('granterRole', () => {
  it.each([
    ['the operator', operator, null, 'admin'],
    ['an API key, by its role', key, null, 'member'],
    ['a person, by their membership', user, { id: 'm', role: 'manager' }, 'manager'],
    ['a person without a membership, as a guest', user, null, 'guest'],
  ])('grants as %s', (_, principal, membership, role) => {
    expect(granterRole({ principal, membership })).toBe(role);
  });
});
