import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601 } from 'class-validator';
import { Absent } from '../common/validation.js';

/**
 * The optional expiry of a new credential, in every kind's create body: a strict RFC 3339 time.
 * That it lies in the future is checked when the credential is issued (CredentialStore.issue).
 */
export const CredentialExpiry = (what: 'key' | 'token') =>
  applyDecorators(
    ApiPropertyOptional({ description: `RFC 3339 time after which the ${what} stops working` }),
    Absent(),
    IsISO8601({ strict: true }),
  );
