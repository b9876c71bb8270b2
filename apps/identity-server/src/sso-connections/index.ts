// TEMPORARY stub until the connections feature lands (branch h-conn); replaced by its index.ts.
import { Injectable, Module } from '@nestjs/common';

export interface SsoConnectionForSignIn {
  tenantId: string;
  id: string;
  name: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  allowedDomains: string[];
  updatedAt: Date;
}

export const OUTBOUND_FETCH = Symbol('OUTBOUND_FETCH');

@Injectable()
export class SsoConnectionsService {
  forSignIn(_connectionId: string): Promise<SsoConnectionForSignIn | null> {
    return Promise.resolve(null);
  }
  listEnabled(_tenantId: string): Promise<{ id: string; name: string }[]> {
    return Promise.resolve([]);
  }
}

@Module({
  providers: [SsoConnectionsService, { provide: OUTBOUND_FETCH, useValue: fetch }],
  exports: [SsoConnectionsService, OUTBOUND_FETCH],
})
export class SsoConnectionsModule {}
