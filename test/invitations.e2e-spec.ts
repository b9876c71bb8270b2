import { OPERATOR_KEY, startTestApp, type TestApp } from './support/app.js';
import { createKey, expectProblem } from './support/fixtures.js';
import { startSmtpServer, waitFor } from './support/smtp.js';
import { signup, type SignedUp } from './support/users.js';

describe('invitations', () => {
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let t: TestApp;
  beforeAll(async () => {
    smtp = await startSmtpServer();
    t = await startTestApp({ SMTP_URL: smtp.url, PUBLIC_URL: 'https://id.example.com' });
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  let orgCount = 0;
  async function org(settings: Record<string, unknown> = {}) {
    orgCount += 1;
    const admin = await signup(t, { displayName: 'Ada Admin' });
    const res = await t.request('POST', '/api/v1/organizations', {
      token: admin.accessToken,
      body: { name: `Invite Org ${orgCount} ${Date.now()}` },
    });
    if (Object.keys(settings).length)
      await t.request('PATCH', `/api/v1/tenants/${res.body.id}`, {
        token: admin.accessToken,
        body: { settings },
      });
    return { tenantId: res.body.id as string, name: res.body.name as string, admin };
  }
  const invite = (tenantId: string, token: string, body: Record<string, unknown>) =>
    t.request('POST', `/api/v1/tenants/${tenantId}/invitations`, { token, body });
  const tokenOf = (inviteUrl: string) => inviteUrl.split('/invite/')[1] as string;
  const accept = (token: string, person: SignedUp) =>
    t.request('POST', `/api/v1/invitations/${token}/accept`, { token: person.accessToken });

  it('runs the whole lifecycle: invite, email, sign up, accept, promote, suspend, reactivate, remove — all audited', async () => {
    const o = await org();
    const created = await invite(o.tenantId, o.admin.accessToken, {
      email: 'Grace@Example.com',
      username: 'grace',
      role: 'developer',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      email: 'grace@example.com',
      username: 'grace',
      role: 'developer',
      identityProvider: 'any',
      entraTenantId: null,
      status: 'pending',
      invitedBy: { type: 'account' },
      inviteUrl: expect.stringMatching(
        /^https:\/\/id\.example\.com\/invite\/inv_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{43}$/,
      ),
    });
    const days = (Date.parse(created.body.expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.9);
    expect(days).toBeLessThanOrEqual(7);

    const mail = await waitFor(() => smtp.mails.find((m) => m.to.includes('grace@example.com')));
    expect(mail.subject).toBe(`Ada Admin invited you to join ${o.name}`);
    expect(mail.body).toContain(created.body.inviteUrl);
    expect(mail.body).toContain('as developer');
    expect(mail.raw).toMatch(/Content-Type: text\/plain/);
    expect(mail.raw).toMatch(/Content-Type: text\/html/);
    const stored = await t.sql(
      'SELECT token_hash, content FROM invitations i JOIN outbox_messages o ON o.subject_id = i.id WHERE i.id = $1',
      [created.body.id],
    );
    expect(JSON.stringify(stored)).not.toContain(tokenOf(created.body.inviteUrl));

    const preview = await t.request(
      'GET',
      `/api/v1/invitations/${tokenOf(created.body.inviteUrl)}`,
      { token: null },
    );
    expect(preview.body).toEqual({
      tenantName: o.name,
      role: 'developer',
      identityProvider: 'any',
      entraTenantId: null,
      email: 'g***@example.com',
      invitedBy: 'Ada Admin',
      status: 'pending',
      expiresAt: created.body.expiresAt,
    });

    const grace = await signup(t, { email: 'grace@example.com' });
    const accepted = await accept(tokenOf(created.body.inviteUrl), grace);
    expect(accepted.status).toBe(200);
    expect(accepted.body).toEqual({
      tenantId: o.tenantId,
      memberId: expect.any(String),
      role: 'developer',
    });
    expectProblem(await accept(tokenOf(created.body.inviteUrl), grace), 409, 'invitation_accepted');

    const memberPath = `/api/v1/tenants/${o.tenantId}/members/${accepted.body.memberId}`;
    const list = await t.request('GET', `/api/v1/tenants/${o.tenantId}/members`, {
      token: o.admin.accessToken,
    });
    expect(list.body.data.find((m: any) => m.id === accepted.body.memberId)).toMatchObject({
      username: 'grace',
      role: 'developer',
      status: 'active',
    });
    expect(
      (
        await t.request('PATCH', memberPath, {
          token: o.admin.accessToken,
          body: { role: 'manager' },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await t.request('PATCH', memberPath, {
          token: o.admin.accessToken,
          body: { status: 'suspended' },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await t.request('PATCH', memberPath, {
          token: o.admin.accessToken,
          body: { status: 'active' },
        })
      ).status,
    ).toBe(200);
    expect((await t.request('DELETE', memberPath, { token: o.admin.accessToken })).status).toBe(
      204,
    );

    const audit = await t.request('GET', `/api/v1/tenants/${o.tenantId}/audit-events?limit=200`, {
      token: o.admin.accessToken,
    });
    expect(audit.body.data.map((e: any) => e.type)).toEqual([
      'tenant.created',
      'member.invited',
      'invitation.accepted',
      'member.role_changed',
      'member.suspended',
      'member.reactivated',
      'member.removed',
    ]);
    const invitations = await t.request(
      'GET',
      `/api/v1/tenants/${o.tenantId}/invitations?status=accepted`,
      { token: o.admin.accessToken },
    );
    expect(invitations.body.data).toEqual([
      expect.objectContaining({
        id: created.body.id,
        status: 'accepted',
        delivery: expect.objectContaining({ status: 'sent', attempts: 1 }),
      }),
    ]);
  });

  it('resends with a new link (the old one stops working) and revokes', async () => {
    const o = await org({ invitationTtlDays: 14 });
    const first = await invite(o.tenantId, o.admin.accessToken, {
      email: 'linus@example.com',
      username: 'linus',
      role: 'viewer',
    });
    expect((Date.parse(first.body.expiresAt) - Date.now()) / 86_400_000).toBeGreaterThan(13.9);
    const resent = await t.request(
      'POST',
      `/api/v1/tenants/${o.tenantId}/invitations/${first.body.id}/resend`,
      { token: o.admin.accessToken },
    );
    expect(resent.status).toBe(200);
    expect(resent.body.inviteUrl).not.toBe(first.body.inviteUrl);
    expectProblem(
      await t.request('GET', `/api/v1/invitations/${tokenOf(first.body.inviteUrl)}`, {
        token: null,
      }),
      404,
      'invitation_not_found',
    );
    await waitFor(() =>
      smtp.mails.filter((m) => m.to.includes('linus@example.com')).length === 2 ? true : undefined,
    );

    const revoked = await t.request(
      'POST',
      `/api/v1/tenants/${o.tenantId}/invitations/${first.body.id}/revoke`,
      { token: o.admin.accessToken },
    );
    expect(revoked.body.status).toBe('revoked');
    const linus = await signup(t);
    expectProblem(await accept(tokenOf(resent.body.inviteUrl), linus), 410, 'invitation_revoked');
    expectProblem(
      await t.request('POST', `/api/v1/tenants/${o.tenantId}/invitations/${first.body.id}/revoke`, {
        token: o.admin.accessToken,
      }),
      410,
      'invitation_revoked',
    );
    const types = (
      await t.request('GET', `/api/v1/tenants/${o.tenantId}/audit-events?type=invitation.*`, {
        token: o.admin.accessToken,
      })
    ).body.data.map((e: any) => e.type);
    expect(types).toEqual(['invitation.resent', 'invitation.revoked']);
  });

  it('lets the platform operator create a tenant and invite its first Administrator', async () => {
    const tenant = await t.request('POST', '/api/v1/tenants', {
      body: { name: `Operator Made ${Date.now()}` },
    });
    const res = await invite(tenant.body.id, OPERATOR_KEY, {
      email: 'first-admin@example.com',
      username: 'boss',
      role: 'admin',
    });
    expect(res.body.invitedBy).toEqual({ type: 'operator', id: 'platform' });
    const boss = await signup(t, { email: 'first-admin@example.com' });
    expect((await accept(tokenOf(res.body.inviteUrl), boss)).body.role).toBe('admin');
    expect(
      (
        await t.request('PATCH', `/api/v1/tenants/${tenant.body.id}`, {
          token: boss.accessToken,
          body: { settings: { maxMembers: 20 } },
        })
      ).status,
    ).toBe(200);
    const mail = await waitFor(() =>
      smtp.mails.find(
        (m) => m.to.includes('first-admin@example.com') && m.subject.includes('invited you'),
      ),
    );
    expect(mail.subject).toContain('The platform operator invited you');
  });

  it('sends to notificationEmail when given', async () => {
    const o = await org();
    await invite(o.tenantId, o.admin.accessToken, {
      email: 'kim@corp.example',
      username: 'kim',
      role: 'member',
      notificationEmail: 'kim.personal@example.org',
    });
    const mail = await waitFor(() =>
      smtp.mails.find((m) => m.to.includes('kim.personal@example.org')),
    );
    expect(mail.to).toEqual(['kim.personal@example.org']);
  });

  it('refuses an expired invitation, and one bound to a provider the person did not sign in with', async () => {
    const o = await org();
    const expiring = await invite(o.tenantId, o.admin.accessToken, {
      email: 'exp@example.com',
      username: 'exp',
      role: 'member',
    });
    await t.sql(`UPDATE invitations SET expires_at = now() - interval '1 minute' WHERE id = $1`, [
      expiring.body.id,
    ]);
    const person = await signup(t);
    expectProblem(
      await accept(tokenOf(expiring.body.inviteUrl), person),
      410,
      'invitation_expired',
    );
    expect(
      (
        await t.request('GET', `/api/v1/tenants/${o.tenantId}/invitations?status=expired`, {
          token: o.admin.accessToken,
        })
      ).body.data.map((i: any) => i.id),
    ).toEqual([expiring.body.id]);

    const google = await invite(o.tenantId, o.admin.accessToken, {
      email: 'g@example.com',
      username: 'g',
      role: 'member',
      identityProvider: 'google',
    });
    const entra = await invite(o.tenantId, o.admin.accessToken, {
      email: 'e@example.com',
      username: 'e',
      role: 'member',
      identityProvider: 'microsoft',
      entraTenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
    });
    expectProblem(
      await accept(tokenOf(google.body.inviteUrl), person),
      403,
      'identity_provider_mismatch',
    );
    expectProblem(
      await accept(tokenOf(entra.body.inviteUrl), person),
      403,
      'identity_provider_mismatch',
    );
    expect(
      await t.sql('SELECT count(*)::int AS n FROM memberships WHERE tenant_id = $1', [o.tenantId]),
    ).toEqual([{ n: 1 }]);
  });

  it('enforces the seat limit on invite, counting pending invitations', async () => {
    const o = await org({ maxMembers: 2 });
    expect(
      (
        await invite(o.tenantId, o.admin.accessToken, {
          email: 's1@example.com',
          username: 's1',
          role: 'member',
        })
      ).status,
    ).toBe(201);
    expectProblem(
      await invite(o.tenantId, o.admin.accessToken, {
        email: 's2@example.com',
        username: 's2',
        role: 'member',
      }),
      409,
      'seat_limit_reached',
    );
    expect(
      (
        await t.request('GET', `/api/v1/tenants/${o.tenantId}/limits`, {
          token: o.admin.accessToken,
        })
      ).body,
    ).toEqual({
      maxMembers: 2,
      members: 1,
      pendingInvitations: 1,
      seatsLeft: 0,
    });
  });

  it('lets three of ten parallel acceptances in when three seats are left', async () => {
    const o = await org({ maxMembers: 11 });
    const tokens: string[] = [];
    for (let i = 0; i < 10; i++) {
      const res = await invite(o.tenantId, o.admin.accessToken, {
        email: `p${i}@example.com`,
        username: `p${i}`,
        role: 'member',
      });
      tokens.push(tokenOf(res.body.inviteUrl));
    }
    // the operator lowers the limit meanwhile: the founder plus three seats
    await t.request('PATCH', `/api/v1/tenants/${o.tenantId}`, {
      body: { settings: { maxMembers: 4 } },
    });
    const people = await Promise.all(
      tokens.map((_, i) => signup(t, { email: `p${i}@example.com` })),
    );
    const results = await Promise.all(
      tokens.map((token, i) => accept(token, people[i] as SignedUp)),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(3);
    for (const r of results.filter((r) => r.status !== 200))
      expectProblem(r, 409, 'seat_limit_reached');
    expect(
      await t.sql(
        `SELECT count(*)::int AS n FROM memberships WHERE tenant_id = $1 AND status = 'active'`,
        [o.tenantId],
      ),
    ).toEqual([{ n: 4 }]);
  });

  it('accepts the same invitation once when it is raced', async () => {
    const o = await org();
    const res = await invite(o.tenantId, o.admin.accessToken, {
      email: 'race@example.com',
      username: 'race',
      role: 'member',
    });
    const person = await signup(t, { email: 'race@example.com' });
    const [a, b] = await Promise.all([
      accept(tokenOf(res.body.inviteUrl), person),
      accept(tokenOf(res.body.inviteUrl), person),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    expect(
      await t.sql(`SELECT count(*)::int AS n FROM memberships WHERE tenant_id = $1`, [o.tenantId]),
    ).toEqual([{ n: 2 }]);
  });

  it('shows a failed send on the invitation and keeps the invitation', async () => {
    const o = await org();
    smtp.reject(true);
    try {
      const res = await invite(o.tenantId, o.admin.accessToken, {
        email: 'bounce@example.com',
        username: 'bounce',
        role: 'member',
      });
      expect(res.status).toBe(201);
      const deadline = Date.now() + 5000;
      let delivery: any = null;
      while (Date.now() < deadline) {
        delivery = (
          await t.request('GET', `/api/v1/tenants/${o.tenantId}/invitations/${res.body.id}`, {
            token: o.admin.accessToken,
          })
        ).body.delivery;
        if (delivery?.attempts >= 1) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(delivery).toMatchObject({
        status: 'pending',
        attempts: 1,
        lastError: expect.stringContaining('mailbox unavailable'),
      });
    } finally {
      smtp.reject(false);
    }
  });

  it.each<[string, Record<string, unknown>, number, string]>([
    [
      'an invalid email',
      { email: 'not-an-email', username: 'x1', role: 'member' },
      400,
      'validation_failed',
    ],
    [
      'an unknown role',
      { email: 'x2@example.com', username: 'x2', role: 'owner' },
      400,
      'validation_failed',
    ],
    [
      'a bad username',
      { email: 'x3@example.com', username: 'has space', role: 'member' },
      400,
      'validation_failed',
    ],
    [
      'an unknown provider',
      { email: 'x4@example.com', username: 'x4', role: 'member', identityProvider: 'github' },
      400,
      'validation_failed',
    ],
    [
      'entraTenantId without microsoft',
      {
        email: 'x5@example.com',
        username: 'x5',
        role: 'member',
        entraTenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
      },
      400,
      'validation_failed',
    ],
    [
      'a malformed entraTenantId',
      {
        email: 'x6@example.com',
        username: 'x6',
        role: 'member',
        identityProvider: 'microsoft',
        entraTenantId: 'contoso',
      },
      400,
      'validation_failed',
    ],
    [
      'the email of a member',
      { email: 'FOUNDER', username: 'x7', role: 'member' },
      409,
      'invite_conflict',
    ],
    [
      'an email already pending',
      { email: 'dup@example.com', username: 'x8', role: 'member' },
      409,
      'invite_conflict',
    ],
    [
      'a username differing only in case',
      { email: 'x9@example.com', username: 'DUP', role: 'member' },
      409,
      'invite_conflict',
    ],
  ])('refuses %s and stores nothing', async (_label, body, status, code) => {
    const o = await org();
    await invite(o.tenantId, o.admin.accessToken, {
      email: 'dup@example.com',
      username: 'dup',
      role: 'member',
    });
    const before = await t.sql('SELECT count(*)::int AS n FROM invitations WHERE tenant_id = $1', [
      o.tenantId,
    ]);
    const payload =
      body.email === 'FOUNDER' ? { ...body, email: o.admin.email.toUpperCase() } : body;
    expectProblem(await invite(o.tenantId, o.admin.accessToken, payload), status, code);
    expect(
      await t.sql('SELECT count(*)::int AS n FROM invitations WHERE tenant_id = $1', [o.tenantId]),
    ).toEqual(before);
  });

  it('keeps tenants apart and limits who may invite whom', async () => {
    const a = await org();
    const b = await org();
    const res = await invite(b.tenantId, b.admin.accessToken, {
      email: 'b1@example.com',
      username: 'b1',
      role: 'member',
    });
    expectProblem(
      await t.request('GET', `/api/v1/tenants/${a.tenantId}/invitations/${res.body.id}`, {
        token: a.admin.accessToken,
      }),
      404,
      'invitation_not_found',
    );
    expectProblem(
      await t.request('POST', `/api/v1/tenants/${a.tenantId}/invitations/${res.body.id}/revoke`, {
        token: a.admin.accessToken,
      }),
      404,
      'invitation_not_found',
    );
    expectProblem(
      await t.request('GET', `/api/v1/tenants/${b.tenantId}/invitations`, {
        token: a.admin.accessToken,
      }),
      404,
      'tenant_not_found',
    );
    expectProblem(
      await invite(b.tenantId, a.admin.accessToken, {
        email: 'x@example.com',
        username: 'x',
        role: 'member',
      }),
      404,
      'tenant_not_found',
    );
    // a developer key may not invite; a manager-role key may invite members but not admins
    const developer = await createKey(t, a.tenantId, 'developer', a.admin.accessToken);
    expectProblem(
      await invite(a.tenantId, developer.key, {
        email: 'd@example.com',
        username: 'd',
        role: 'member',
      }),
      403,
      'permission_denied',
    );
    const manager = await createKey(t, a.tenantId, 'manager', a.admin.accessToken);
    expect(
      (
        await invite(a.tenantId, manager.key, {
          email: 'm@example.com',
          username: 'm',
          role: 'member',
        })
      ).status,
    ).toBe(201);
    expectProblem(
      await invite(a.tenantId, manager.key, {
        email: 'm2@example.com',
        username: 'm2',
        role: 'admin',
      }),
      403,
      'role_escalation',
    );
  });

  it.each(['inv_nope', `inv_abcdefghijkl_${'a'.repeat(43)}`, 'tk_abc', 'x'.repeat(250)])(
    'answers 404 for the token %p',
    async (token) => {
      expectProblem(
        await t.request('GET', `/api/v1/invitations/${token}`, { token: null }),
        404,
        'invitation_not_found',
      );
    },
  );

  it('answers problems for over-long and malformed URLs', async () => {
    expectProblem(
      await t.request('GET', `/api/v1/invitations/${'x'.repeat(300)}`, { token: null }),
      414,
      'uri_too_long',
    );
    expectProblem(
      await t.request('GET', '/api/v1/invitations/%E0%A4%A', { token: null }),
      400,
      'malformed_url',
    );
  });
});

describe('invitations without SMTP', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('keeps the email in the local outbox, which the operator can read', async () => {
    const admin = await signup(t);
    const tenant = await t.request('POST', '/api/v1/organizations', {
      token: admin.accessToken,
      body: { name: `Local Mail ${Date.now()}` },
    });
    const res = await t.request('POST', `/api/v1/tenants/${tenant.body.id}/invitations`, {
      token: admin.accessToken,
      body: { email: 'offline@example.com', username: 'offline', role: 'member' },
    });
    expect(res.status).toBe(201);
    expect(res.body.delivery).toMatchObject({ status: 'local', attempts: 0 });
    const outbox = await t.request('GET', '/api/v1/outbox');
    expect(outbox.body.data[0]).toMatchObject({
      to: 'offline@example.com',
      status: 'local',
      text: expect.stringContaining(res.body.inviteUrl),
    });
    expectProblem(
      await t.request('GET', '/api/v1/outbox', { token: admin.accessToken }),
      403,
      'operator_required',
    );
    expect(t.logs.join('\n')).not.toContain(res.body.inviteUrl.split('/invite/')[1]);
    expect(t.logs.join('\n')).toContain('stays in the local outbox');
  });
});
