import { v7 as uuidv7, validate as uuidValidate } from 'uuid';

/** A new UUIDv7: time-ordered, so inserts stay at the right edge of B-tree indexes. */
export function newId(): string {
  return uuidv7();
}

export function isUuid(value: string): boolean {
  return uuidValidate(value);
}
