import { Module } from '@nestjs/common';
import { LoginThrottleService } from './login-throttle.service.js';
import { RateLimitService } from './rate-limit.service.js';

/** Attempt limits (sign-in, password change, second factor) and request rate limits. */
@Module({
  providers: [LoginThrottleService, RateLimitService],
  exports: [LoginThrottleService, RateLimitService],
})
export class ThrottleModule {}
