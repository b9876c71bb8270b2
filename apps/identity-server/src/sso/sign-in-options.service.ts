import { Injectable } from '@nestjs/common';
import { RateLimitService } from '../auth/index.js';
import type { RequestMeta } from '../common/principal.js';
import { InvitationsService } from '../invitations/index.js';
import { SsoConnectionsService } from '../sso-connections/index.js';
import { TenantsService } from '../tenants/index.js';
import { IdentityProvidersService } from './identity-providers.service.js';

export interface SignInOption {
  kind: 'password' | 'google' | 'microsoft' | 'oidc';
  id: string;
  name: string;
  startUrl: string | null;
}

const NAMES = { password: 'Email and password', google: 'Google', microsoft: 'Microsoft' };

/**
 * What a sign-in page may offer: the providers this server has a client for, narrowed by a
 * tenant's sign-in policy (and its OIDC connections added), and for an invitation by the
 * provider it names. A provider the server has no client for is simply not offered.
 */
@Injectable()
export class SignInOptionsService {
  constructor(
    private readonly providers: IdentityProvidersService,
    private readonly invitations: InvitationsService,
    private readonly connections: SsoConnectionsService,
    private readonly rateLimits: RateLimitService,
    private readonly tenants: TenantsService,
  ) {}

  async list(
    query: { invitation?: string; tenant?: string },
    meta: RequestMeta,
  ): Promise<{ providers: SignInOption[] }> {
    let tenantId = query.tenant ?? null;
    let invited: 'any' | 'google' | 'microsoft' = 'any';
    const params = new URLSearchParams();
    if (query.invitation !== undefined) {
      // An invitation token is a secret: look-ups are limited like the preview's.
      await this.rateLimits.consume('invitation', meta.ip);
      const options = await this.invitations.signInOptions(query.invitation);
      tenantId = options.tenantId;
      invited = options.identityProvider;
      params.set('invitation', query.invitation);
    }
    const settings = tenantId ? (await this.tenants.get(tenantId)).settings : null;
    const allows = (kind: string) => {
      const tenantOk =
        !settings ||
        settings.allowedIdentityProviders.includes('any') ||
        settings.allowedIdentityProviders.includes(kind as never);
      return tenantOk && (invited === 'any' || invited === kind);
    };
    const suffix = params.size > 0 ? `?${params.toString()}` : '';
    const out: SignInOption[] = [];
    if (allows('password'))
      out.push({ kind: 'password', id: 'password', name: NAMES.password, startUrl: null });
    for (const provider of this.providers.platformProviders()) {
      if (allows(provider))
        out.push({
          kind: provider,
          id: provider,
          name: NAMES[provider],
          startUrl: `/api/v1/auth/sso/${provider}${suffix}`,
        });
    }
    if (tenantId && allows('oidc')) {
      for (const c of await this.connections.listEnabled(tenantId)) {
        out.push({
          kind: 'oidc',
          id: `oidc:${c.id}`,
          name: c.name,
          startUrl: `/api/v1/auth/sso/oidc/${c.id}${suffix}`,
        });
      }
    }
    return { providers: out };
  }
}
