import { randomUUID } from 'node:crypto';
import type { TestApp } from './app.js';
import { signup, type SignedUp } from './users.js';

export type Person = SignedUp & { memberId: string };

export interface Org {
  tenantId: string;
  founder: Person;
}

/** An organization created by a signed-up person, its first Administrator. */
export async function createOrg(t: TestApp, settings: Record<string, unknown> = {}): Promise<Org> {
  const founder = await signup(t);
  const res = await t.request('POST', '/api/v1/organizations', {
    token: founder.accessToken,
    body: { name: `Org ${randomUUID()}` },
  });
  if (res.status !== 201) throw new Error(`organization not created: ${res.status} ${res.text}`);
  const [m] = await t.sql('SELECT id FROM memberships WHERE tenant_id = $1', [res.body.id]);
  if (Object.keys(settings).length > 0) {
    const patched = await t.request('PATCH', `/api/v1/tenants/${res.body.id}`, {
      token: founder.accessToken,
      body: { settings },
    });
    if (patched.status !== 200) throw new Error(`settings refused: ${patched.text}`);
  }
  return { tenantId: res.body.id, founder: { ...founder, memberId: m.id } };
}

/** A colleague joins the way people do: invited by the founder, signed up, accepted. */
export async function join(t: TestApp, o: Org, role: string): Promise<Person> {
  const person = await signup(t);
  const username = `user-${randomUUID().slice(0, 8)}`;
  const invitation = await t.request('POST', `/api/v1/tenants/${o.tenantId}/invitations`, {
    token: o.founder.accessToken,
    body: { email: person.email, username, role },
  });
  if (invitation.status !== 201)
    throw new Error(`not invited: ${invitation.status} ${invitation.text}`);
  const token = (invitation.body.inviteUrl as string).split('/invite/')[1];
  const accepted = await t.request('POST', `/api/v1/invitations/${token}/accept`, {
    token: person.accessToken,
  });
  if (accepted.status !== 200)
    throw new Error(`could not join: ${accepted.status} ${accepted.text}`);
  return { ...person, memberId: accepted.body.memberId as string };
}
