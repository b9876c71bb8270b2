import { Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { SecretBox } from '#auth-crypto';
import { isUuid } from '#database';
import { DomainException, ErrorCode } from '../common/errors.js';
import type { Principal } from '../common/principal.js';
import type { SsoProvider } from './external-identity.js';
import { openFlow, type SsoFlow } from './sso-flow.js';
import { SsoService } from './sso.service.js';
import type { SsoRequest } from './sso.guard.js';

export type SsoStepKind = 'start' | 'callback' | 'link';
const SSO_STEP = 'sso-step';
/** Which part of a sign-in a route is; SsoStepGuard prepares the request for Passport by it. */
export const SsoStep = (step: SsoStepKind, provider?: 'google' | 'microsoft') =>
  SetMetadata(SSO_STEP, { step, provider });

export type PreparedRequest = SsoRequest & {
  ssoDraft?: Omit<SsoFlow, 'passport' | 'exp'>;
  ssoFlow?: SsoFlow;
};

/** The provider a route names: /sso/google, /sso/microsoft or /sso/oidc/{connectionId}. */
function providerOf(
  params: Record<string, string | undefined>,
  body?: Record<string, unknown>,
): { provider: SsoProvider; connectionId: string | null } {
  const provider = body
    ? body.provider
    : params.connectionId !== undefined
      ? 'oidc'
      : params.provider;
  const connectionId = body ? body.connectionId : params.connectionId;
  if (provider === 'google' || provider === 'microsoft') return { provider, connectionId: null };
  if (provider === 'oidc') {
    if (typeof connectionId !== 'string' || !isUuid(connectionId))
      throw new DomainException(ErrorCode.SsoConnectionNotFound);
    return { provider, connectionId };
  }
  if (body) {
    throw new DomainException(ErrorCode.ValidationFailed, undefined, [
      { field: 'provider', message: 'provider must be one of google, microsoft, oidc' },
    ]);
  }
  throw new DomainException(ErrorCode.SsoProviderNotConfigured, 'No such sign-in provider');
}

/**
 * Runs before @nestjs/passport's guard on the SSO routes: a start (or a link from the profile)
 * is checked whole before the browser leaves; a callback must carry this browser's flow cookie
 * for the same provider, or it is refused (400 sso_state_invalid) before any token is fetched.
 */
@Injectable()
export class SsoStepGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly sso: SsoService,
    private readonly box: SecretBox,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const { step, provider: routeProvider } = this.reflector.get<{
      step: SsoStepKind;
      provider?: string;
    }>(SSO_STEP, context.getHandler());
    const request = context.switchToHttp().getRequest<PreparedRequest>();
    const params = {
      ...((request.params ?? {}) as Record<string, string | undefined>),
      provider: routeProvider,
    };
    if (step === 'callback') {
      const flow = openFlow(this.box, request, this.sso.secureCookies);
      const { provider, connectionId } = providerOf(params);
      if (flow.provider !== provider || flow.connectionId !== connectionId)
        throw new DomainException(
          ErrorCode.SsoStateInvalid,
          'This callback belongs to another sign-in: start again',
        );
      await this.sso.prepareCallback(request, flow);
      request.ssoFlow = flow;
      return true;
    }
    const query = (request.query ?? {}) as Record<string, unknown>;
    if (step === 'link') {
      const principal = request.principal as Principal;
      const body = (request.body ?? {}) as Record<string, unknown>;
      const { provider, connectionId } = providerOf(params, body);
      request.ssoDraft = await this.sso.prepareStart(
        request,
        provider,
        connectionId,
        { returnTo: body.returnTo },
        principal.id,
      );
      return true;
    }
    const { provider, connectionId } = providerOf(params);
    request.ssoDraft = await this.sso.prepareStart(request, provider, connectionId, query, null);
    return true;
  }
}
