import { ApiProperty } from '@nestjs/swagger';
import { PageOf } from '../../common/openapi.js';
import { SIGN_IN_METHODS, type SignInMethod } from '../sessions/session.entities.js';

export class TokenPairDto {
  @ApiProperty({ description: 'A short-lived JWT: send it as Authorization: Bearer' })
  accessToken!: string;
  @ApiProperty({
    description:
      'Trade it at /api/v1/auth/refresh; each works once. "" in cookie mode (X-Refresh-Cookie: 1): the token is then in the HttpOnly refresh_token cookie',
  })
  refreshToken!: string;
  @ApiProperty({ enum: ['Bearer'] }) tokenType!: 'Bearer';
  @ApiProperty({ description: 'Seconds until the access token expires' }) expiresIn!: number;
}

export class SessionDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'The session this request is made with' }) current!: boolean;
  @ApiProperty({ enum: SIGN_IN_METHODS }) signInMethod!: SignInMethod;
  @ApiProperty({ type: String, nullable: true }) ip!: string | null;
  @ApiProperty({ type: String, nullable: true }) userAgent!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) lastSeenAt!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
}

/** Every live session in one page (at most 200): nextCursor is always null. */
export class SessionPageDto extends PageOf(SessionDto) {}

export class JwksDto {
  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description: 'RFC 7517 public keys (kid, alg, use: sig and the key parameters)',
  })
  keys!: Record<string, unknown>[];
}
