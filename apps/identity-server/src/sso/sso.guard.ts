import { Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import passport from 'passport';
import type { SsoStrategy } from './identity-providers.service.js';
import type { ExternalIdentity } from './external-identity.js';

/** What one pass of Passport over a sign-in request came to. */
export type PassportOutcome =
  | { kind: 'redirect'; url: string }
  | { kind: 'identity'; identity: ExternalIdentity }
  | { kind: 'failed'; message: string | null }
  | { kind: 'error'; error: unknown };

/** The request as the strategies see it: Fastify's, with the flow's state as req.session. */
export type SsoRequest = FastifyRequest & {
  session?: Record<string, unknown>;
  ssoStrategy?: SsoStrategy;
  ssoCallbackUrl?: string;
  ssoOutcome?: PassportOutcome;
};

/**
 * One Passport strategy, `sso`, drives the provider's own strategy (passport-google-oauth20,
 * openid-client's) chosen per request, and turns its redirect into a value instead of letting it
 * write to the response: Fastify then sends the redirect with the flow cookie, its hooks run, and
 * no response method has to be patched. Success, failure and errors come back the same way.
 */
class SsoDispatchStrategy {
  readonly name = 'sso';

  authenticate(this: PassportActions, req: SsoRequest, options?: object): void {
    const target = req.ssoStrategy;
    if (!target) return this.error(new Error('no identity provider was resolved'));
    const delegate = Object.create(target) as SsoStrategy & Partial<PassportActions>;
    delegate.redirect = (url: string) => this.success({ kind: 'redirect', url });
    delegate.success = (identity: ExternalIdentity) => this.success({ kind: 'identity', identity });
    delegate.fail = (challenge?: unknown) =>
      this.success({ kind: 'failed', message: messageOf(challenge) });
    delegate.error = (error: unknown) => this.success({ kind: 'error', error });
    delegate.pass = () => this.success({ kind: 'failed', message: null });
    // Connecting a provider from the profile starts with a POST: the strategies start a flow
    // only for a GET without a code, so they see the start as one.
    const seen: SsoRequest =
      req.method === 'GET'
        ? req
        : (Object.create(req, {
            method: { value: 'GET' },
            body: { value: undefined },
          }) as SsoRequest);
    delegate.authenticate(seen, { ...options, callbackURL: req.ssoCallbackUrl });
  }
}

interface PassportActions {
  success(user: unknown, info?: unknown): void;
  fail(challenge?: unknown, status?: number): void;
  redirect(url: string, status?: number): void;
  pass(): void;
  error(error: unknown): void;
}

function messageOf(challenge: unknown): string | null {
  if (typeof challenge === 'string') return challenge;
  if (challenge && typeof challenge === 'object' && 'message' in challenge) {
    const message = challenge.message;
    return typeof message === 'string' ? message : null;
  }
  return null;
}

// Typed by @types/passport for Express requests; it runs on Fastify's (see SsoRequest).
passport.use(new SsoDispatchStrategy() as unknown as passport.Strategy);

/**
 * @nestjs/passport's guard over the `sso` strategy. The controller resolves the provider and puts
 * its strategy on the request first (SsoService.prepare), so the guard only runs Passport and
 * leaves the outcome on `request.ssoOutcome` for the handler; it never throws for a provider's
 * refusal, which the handler turns into a redirect with an error code.
 */
@Injectable()
export class SsoPassportGuard extends AuthGuard('sso') {
  override getAuthenticateOptions(): object {
    return { session: false, property: 'ssoOutcome' };
  }

  override handleRequest<T>(error: unknown, outcome: unknown): T {
    if (error) return { kind: 'error', error } as T;
    return (outcome || { kind: 'failed', message: null }) as T;
  }
}
