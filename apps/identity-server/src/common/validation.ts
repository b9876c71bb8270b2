import {
  applyDecorators,
  type ArgumentMetadata,
  ValidationError,
  ValidationPipe,
} from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsNotEmpty, IsString, MaxLength, ValidateIf } from 'class-validator';
import { fieldErrors } from './problem.filter.js';
import { forbiddenPrototypeKey, prototypeKeyIn } from './json-body.js';
import type { FieldError } from './errors.js';

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const error of errors) {
    const field = parent ? `${parent}.${error.property}` : error.property;
    for (const message of Object.values(error.constraints ?? {})) {
      out.push({
        field,
        message: message.replace(/^property (\S+) should not exist$/, 'unknown field'),
      });
    }
    if (error.children && error.children.length > 0) out.push(...flatten(error.children, field));
  }
  return out;
}

/**
 * A hand-written check for a hot route's DTO: returns the value the pipe would produce when the
 * input is certainly valid, or undefined to hand it to class-validator (which then words the
 * errors, so that a 400 is the same with or without it). It must never accept what
 * class-validator refuses: a spec compares the two on many inputs.
 */
export type FastCheck = (value: unknown) => object | undefined;

const fastChecks = new Map<unknown, FastCheck>();

/**
 * class-validator and class-transformer cost a decision request more than the decision itself
 * (walking the metadata, copying the body into an instance): the routes called per request of
 * another service register a fast check for their body DTO.
 */
export function registerFastCheck(dto: abstract new () => object, check: FastCheck): void {
  fastChecks.set(dto, check);
}

class AppValidationPipe extends ValidationPipe {
  /** Refused, not stripped in place: see prototypeKeyIn. */
  protected override stripProtoKeys(value: unknown): void {
    const key = prototypeKeyIn(value);
    if (key !== null) throw forbiddenPrototypeKey(key);
  }

  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const fast = metadata.type === 'body' ? fastChecks.get(metadata.metatype) : undefined;
    const checked = fast?.(value);
    return checked !== undefined ? Promise.resolve(checked) : super.transform(value, metadata);
  }
}

/** Whitelisting, unknown fields refused, types converted; one entry per bad field. */
export function createValidationPipe(): ValidationPipe {
  return new AppValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => fieldErrors(flatten(errors)),
  });
}

/**
 * For request bodies: the field may be left out, but not sent as null (class-validator's
 * IsOptional lets null through, which would store null where a value is required).
 */
export const Absent = () => ValidateIf((_object: object, value: unknown) => value !== undefined);

/**
 * A free-form field (rule conditions, catalog properties, a decision's subject) reaches the
 * service exactly as sent. class-transformer would copy it into new objects and silently drop
 * every key named like a member of Object.prototype (`constructor`, `prototype`, `toString`,
 * `hasOwnProperty`…), so the domain's own checks, which refuse some of those keys, never saw them
 * and the stored value differed from the one sent.
 */
export const Raw = () =>
  Transform(({ obj, key }: { obj: Record<string, unknown>; key: string }) => obj[key]);

/** Strings arrive trimmed (names, labels); other types pass through to fail their validators. */
export const Trimmed = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

/** Emails: trimmed and lower-cased, so lookups and uniqueness ignore case. */
export const TrimmedLower = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.trim().toLowerCase() : value,
  );

/** A name or title: a trimmed, non-empty text of at most `max` characters. */
export const NameText = (max = 100) =>
  applyDecorators(Trimmed(), IsString(), IsNotEmpty(), MaxLength(max));

/** A description: a trimmed text of at most `max` characters, possibly empty. */
export const DescriptionText = (max = 500) =>
  applyDecorators(Trimmed(), IsString(), MaxLength(max));
