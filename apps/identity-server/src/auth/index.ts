/** The public face of auth/: who is calling. Everything else in the folder is private. */
export { AuthModule } from './auth.module.js';
export { AuthenticationGuard } from './authentication.guard.js';
export { LoginThrottleService } from './throttle/login-throttle.service.js';
export { RateLimitService } from './throttle/rate-limit.service.js';
export { ThrottleModule } from './throttle/throttle.module.js';
export { PasswordService } from './password/password.service.js';
export { SessionsService, type TokenPair } from './sessions/sessions.service.js';
export { RefreshCookie, REFRESH_COOKIE, REFRESH_COOKIE_HEADER } from './sessions/refresh-cookie.js';
export { SessionPageDto, TokenPairDto } from './dto/auth-response.dto.js';
export { SIGN_IN_METHODS, type SignInMethod } from './sessions/session.entities.js';
