import { Global, Module } from '@nestjs/common';
import { PolicyService } from './policy.service.js';

/** Global: the guard, the authorize API and every writer that changes decisions use it. */
@Global()
@Module({ providers: [PolicyService], exports: [PolicyService] })
export class PolicyModule {}
