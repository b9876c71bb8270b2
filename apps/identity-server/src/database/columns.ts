import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * An entity as a row keyed by column name (for database functions that take a row as jsonb,
 * e.g. `jsonb_populate_record`): the entity's own metadata names the columns.
 */
export function columnsOf<T extends ObjectLiteral>(
  dataSource: DataSource,
  entity: EntityTarget<T>,
  row: T,
): Record<string, unknown> {
  return Object.fromEntries(
    dataSource
      .getMetadata(entity)
      .columns.map((column) => [column.databaseName, column.getEntityValue(row)]),
  );
}
