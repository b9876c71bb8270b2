import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIP,
  IsISO8601,
  IsObject,
  IsString,
  isIP,
  isObject,
  IsUUID,
  isUUID,
  MaxLength,
  maxLength,
  MinLength,
  minLength,
  ValidateNested,
} from 'class-validator';
import { isRfc3339 } from '../../common/rfc3339.js';
import { Absent, Raw, registerFastCheck } from '../../common/validation.js';

export class DecisionContextDto {
  @ApiPropertyOptional({ description: 'The client address to decide for' })
  @Absent()
  @IsIP()
  ip?: string;

  @ApiPropertyOptional({ description: 'RFC 3339 time to decide at (default: now)' })
  @Absent()
  @IsISO8601({ strict: true })
  time?: string;
}

export class AuthorizeDto {
  @ApiProperty()
  @IsUUID()
  memberId!: string;

  @ApiProperty({ example: 'read' })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  action!: string;

  @ApiPropertyOptional({ description: 'One field of the subject, for rules that name fields' })
  @Absent()
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  field?: string;

  @ApiProperty({
    example: { type: 'Document', ownerId: '…' },
    description: '`type` and the attributes that rule conditions read',
  })
  @Raw()
  @IsObject()
  subject!: Record<string, unknown>;

  @ApiPropertyOptional({ type: DecisionContextDto })
  @Absent()
  @IsObject()
  @ValidateNested()
  @Type(() => DecisionContextDto)
  context?: DecisionContextDto;
}

export class AuthorizeBatchDto {
  @ApiProperty({ type: [AuthorizeDto], maxItems: 100 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  // ValidateNested alone lets an item that is an array through (it validates that array's items).
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => AuthorizeDto)
  checks!: AuthorizeDto[];
}

// The fast checks below accept exactly the bodies the decorators above accept, with the same
// functions (class-validator's own isUUID, isIP, minLength…, and isRfc3339, which accepts part of
// what isISO8601 does); anything else, however slightly off, goes to class-validator, which words
// the 400.

const isPlain = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;

const text = (value: unknown, min: number, max: number): value is string =>
  typeof value === 'string' && minLength(value, min) && maxLength(value, max);

function fastContext(value: unknown): DecisionContextDto | undefined {
  if (!isPlain(value)) return undefined;
  for (const key in value) if (key !== 'ip' && key !== 'time') return undefined;
  const { ip, time } = value;
  if (ip !== undefined && !(typeof ip === 'string' && isIP(ip))) return undefined;
  // isRfc3339 accepts a subset of what isISO8601 strict does, without building a Date; any other
  // ISO 8601 time goes to class-validator.
  if (time !== undefined && !(typeof time === 'string' && isRfc3339(time))) return undefined;
  const context: DecisionContextDto = {};
  if (ip !== undefined) context.ip = ip;
  if (time !== undefined) context.time = time;
  return context;
}

function fastAuthorize(value: unknown): AuthorizeDto | undefined {
  if (!isPlain(value)) return undefined;
  for (const key in value)
    if (
      key !== 'memberId' &&
      key !== 'action' &&
      key !== 'field' &&
      key !== 'subject' &&
      key !== 'context'
    )
      return undefined;
  const { memberId, action, field, subject, context } = value;
  if (typeof memberId !== 'string' || !isUUID(memberId)) return undefined;
  if (!text(action, 1, 64)) return undefined;
  if (field !== undefined && !text(field, 1, 128)) return undefined;
  if (!isObject(subject)) return undefined;
  const check: AuthorizeDto = { memberId, action, subject: subject as Record<string, unknown> };
  if (field !== undefined) check.field = field;
  if (context !== undefined) {
    const checked = fastContext(context);
    if (!checked) return undefined;
    check.context = checked;
  }
  return check;
}

registerFastCheck(AuthorizeDto, fastAuthorize);
registerFastCheck(AuthorizeBatchDto, (value) => {
  if (!isPlain(value)) return undefined;
  for (const key in value) if (key !== 'checks') return undefined;
  const { checks } = value;
  if (!Array.isArray(checks) || checks.length < 1 || checks.length > 100) return undefined;
  const out: AuthorizeDto[] = [];
  for (const item of checks) {
    const check = fastAuthorize(item);
    if (!check) return undefined;
    out.push(check);
  }
  return { checks: out };
});
