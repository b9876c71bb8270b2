import type { FastifyRequest } from 'fastify';
import { requestContextOf } from './request-context.js';

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
