import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { createOutboundFetch } from '../common/outbound-fetch.js';
import { SsoConnectionsController } from './sso-connections.controller.js';
import { SsoConnectionsRepository } from './sso-connections.repository.js';
import { OUTBOUND_FETCH, SsoConnectionsService } from './sso-connections.service.js';

/**
 * Tenants' OpenID Connect connections. Exports the service the sign-in flow reads connections
 * through, and OUTBOUND_FETCH, the fetch it must use to talk to tenants' issuers.
 */
@Module({
  controllers: [SsoConnectionsController],
  providers: [
    {
      provide: OUTBOUND_FETCH,
      useFactory: (config: AppConfig) =>
        createOutboundFetch({ allowLoopback: config.oidcConnectionsAllowLoopback }),
      inject: [APP_CONFIG],
    },
    SsoConnectionsRepository,
    SsoConnectionsService,
  ],
  exports: [SsoConnectionsService, OUTBOUND_FETCH],
})
export class SsoConnectionsModule {}
