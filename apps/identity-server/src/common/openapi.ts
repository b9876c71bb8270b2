import type { Type } from '@nestjs/common';
import {
  ApiExtension,
  ApiParam,
  ApiProperty,
  ApiPropertyOptional,
  type OpenAPIObject,
} from '@nestjs/swagger';
import { PROBLEM_TYPE_BASE } from './errors.js';

/**
 * What the OpenAPI document says beyond what the routes declare by themselves: the shapes that
 * many operations share (a page of a list, a problem), path parameters that no handler argument
 * names, and the last touches made to the generated document. The admin console is generated
 * from this document, so it must say exactly what the server answers.
 */

/** Marks an operation the global guard lets through without a credential. */
const PUBLIC_OPERATION = 'x-public-operation';

/** Applied by @Public(): the document then says the operation needs no credential. */
export const ApiPublic = () => ApiExtension(PUBLIC_OPERATION, true);

/** `{ data: [...], nextCursor }`, the answer of every list, with its own schema per item type. */
export function PageOf<T>(item: Type<T>): Type<{ data: T[]; nextCursor: string | null }> {
  abstract class Page {
    @ApiProperty({ type: () => item, isArray: true })
    data!: T[];

    @ApiProperty({
      type: String,
      nullable: true,
      description: 'Pass it as ?cursor= for the next page; null on the last page',
    })
    nextCursor!: string | null;
  }
  return Page as unknown as Type<{ data: T[]; nextCursor: string | null }>;
}

/**
 * `tenantId` is read by the guard and the TenantId decorator, not by a @Param() argument, so
 * nothing would declare it: every controller under /tenants/:tenantId declares it once here.
 */
export const ApiTenantParam = () =>
  ApiParam({ name: 'tenantId', type: String, format: 'uuid', description: 'The tenant' });

/** A path parameter holding an id (UUIDv7); an id that names nothing answers 404. */
export const ApiIdParam = (name: string, description: string) =>
  ApiParam({ name, type: String, format: 'uuid', description });

const STRING_OR_LIST = {
  oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
};

/** A CASL-style rule, as roles, team grants and decisions show it. */
export class PermissionRuleDto {
  @ApiProperty({ ...STRING_OR_LIST, example: ['read', 'update'] })
  action!: string | string[];

  @ApiProperty({ ...STRING_OR_LIST, example: 'Document' })
  subject!: string | string[];

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { ownerId: '${member.id}' },
  })
  conditions?: Record<string, unknown>;

  @ApiPropertyOptional(STRING_OR_LIST)
  fields?: string | string[];

  @ApiPropertyOptional({ description: 'The rule forbids instead of allowing' })
  inverted?: boolean;

  @ApiPropertyOptional()
  reason?: string;
}

/** Who did something or what it was done to: a type (member, api_key, operator…) and an id. */
export class ActorRefDto {
  @ApiProperty({ example: 'member' })
  type!: string;

  @ApiProperty()
  id!: string;
}

export class FieldErrorDto {
  @ApiProperty({ example: 'settings.maxMembers' })
  field!: string;

  @ApiProperty({ example: 'maxMembers must not be less than 1' })
  message!: string;
}

/** RFC 9457 problem details, the body of every error of the admin API. */
export class ProblemDto {
  @ApiProperty({ example: `${PROBLEM_TYPE_BASE}validation-failed` })
  type!: string;

  @ApiProperty({ example: 'The request is not valid' })
  title!: string;

  @ApiProperty({ example: 400 })
  status!: number;

  @ApiProperty({ example: 'Some fields are not valid' })
  detail!: string;

  @ApiProperty({ description: 'Stable: clients switch on it', example: 'validation_failed' })
  code!: string;

  @ApiPropertyOptional({ type: [FieldErrorDto], description: 'Which fields are not valid' })
  errors?: FieldErrorDto[];

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'On 500: the id under which the error is logged',
  })
  errorId?: string;

  @ApiPropertyOptional({ example: '/api/v1/tenants' })
  instance?: string;
}

const PROBLEM_SCHEMA = { $ref: '#/components/schemas/ProblemDto' };
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'] as const;

/**
 * The touches no decorator can make, or that hold for every route alike: an operation marked
 * public gets `security: []` (an empty list must be written, and the generator drops empty
 * lists); an operation with a body or a query declares 400, one with path parameters 404; and
 * every error response gets the problem+json body that the problem filter answers.
 */
export function finishDocument(document: OpenAPIObject): OpenAPIObject {
  for (const path of Object.values(document.paths)) {
    for (const method of METHODS) {
      const operation = path[method];
      if (!operation) continue;
      const marked = operation as unknown as Record<string, unknown>;
      if (marked[PUBLIC_OPERATION] === true) {
        delete marked[PUBLIC_OPERATION];
        operation.security = [];
      }
      // What the validation pipe and the lookups answer on every route, declared once here.
      const parameters = (operation.parameters ?? []).filter((p) => !('$ref' in p));
      if (operation.requestBody || parameters.some((p) => 'in' in p && p.in === 'query'))
        operation.responses['400'] ??= {
          description: 'validation_failed (or malformed_json, invalid_cursor): nothing changed',
        };
      if (parameters.some((p) => 'in' in p && p.in === 'path'))
        operation.responses['404'] ??= {
          description: 'Not found, or not visible to the caller: the two look the same',
        };
      for (const [status, response] of Object.entries(operation.responses)) {
        if (!/^[45]\d\d$/.test(status) || !response || '$ref' in response || response.content)
          continue;
        response.content = { 'application/problem+json': { schema: PROBLEM_SCHEMA } };
      }
    }
  }
  return document;
}
