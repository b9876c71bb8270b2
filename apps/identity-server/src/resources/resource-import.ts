import type { Readable } from 'node:stream';
import { jsonDepthExceeds } from '../common/json-body.js';
import { writeProblems } from './catalog.js';
import type { ResourceWrite } from './resources.repository.js';
import type { Admin, CatalogService } from './resources.service.js';
import { DomainException } from '../common/errors.js';

export const IMPORT_MAX_LINE_BYTES = 64 * 1024;
export const IMPORT_MAX_LINES = 1_000_000;
export const IMPORT_BATCH = 500;
const REPORTED_ERRORS = 100;

export interface ImportError {
  line: number;
  code: string;
  message: string;
}

export interface ImportProgress {
  processed: number;
  created: number;
  updated: number;
  failed: number;
}

export interface ImportSummary {
  received: number;
  created: number;
  updated: number;
  failed: number;
  errors: ImportError[];
}

/**
 * The lines of a byte stream, one at a time, never holding more than one line (capped: a longer
 * line is answered as `null` and its bytes dropped up to its newline).
 */
export async function* linesOf(
  stream: Readable,
  maxBytes = IMPORT_MAX_LINE_BYTES,
): AsyncGenerator<string | null> {
  let parts: Buffer[] = [];
  let size = 0;
  let tooLong = false;
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    let buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    for (let nl = buffer.indexOf(0x0a); nl >= 0; nl = buffer.indexOf(0x0a)) {
      const head = buffer.subarray(0, nl);
      if (!tooLong && size + head.length <= maxBytes) parts.push(head);
      yield tooLong || size + head.length > maxBytes ? null : Buffer.concat(parts).toString('utf8');
      parts = [];
      size = 0;
      tooLong = false;
      buffer = buffer.subarray(nl + 1);
    }
    if (!tooLong) {
      if (size + buffer.length > maxBytes) {
        tooLong = true;
        parts = [];
      } else {
        parts.push(buffer);
        size += buffer.length;
      }
    }
  }
  if (tooLong) yield null;
  else if (size > 0) yield Buffer.concat(parts).toString('utf8');
}

/** One line as a write, or why not. */
function parseLine(text: string): ResourceWrite | { code: string; message: string } {
  if (jsonDepthExceeds(text, 8))
    return { code: 'body_too_deep', message: 'the line nests too deep' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { code: 'malformed_json', message: 'the line is not JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { code: 'validation_failed', message: 'a line is one JSON object' };
  const v = value as Record<string, unknown>;
  const problems = writeProblems({
    type: v.type,
    id: v.id,
    properties: v.properties,
    ownerMemberId: v.ownerMemberId,
    teamId: v.teamId,
  });
  if (problems.length > 0)
    return {
      code: 'validation_failed',
      message: problems.map((p) => `${p.field}: ${p.message}`).join('; '),
    };
  return {
    type: v.type as string,
    id: v.id as string,
    properties: (v.properties ?? {}) as Record<string, unknown>,
    ownerMemberId: (v.ownerMemberId as string | null | undefined) ?? null,
    teamId: (v.teamId as string | null | undefined) ?? null,
  };
}

/**
 * Reads an NDJSON import line by line, upserting batches of IMPORT_BATCH in one statement each.
 * A bad line is counted and reported, never fatal; a batch refused for an owner or team of
 * another tenant is retried row by row so that only those rows fail.
 */
export async function runImport(
  catalog: CatalogService,
  admin: Admin,
  stream: Readable,
  progress?: (p: ImportProgress) => void,
): Promise<ImportSummary> {
  const summary: ImportSummary = { received: 0, created: 0, updated: 0, failed: 0, errors: [] };
  const fail = (line: number, code: string, message: string) => {
    summary.failed++;
    if (summary.errors.length < REPORTED_ERRORS) summary.errors.push({ line, code, message });
  };
  let batch: { line: number; write: ResourceWrite }[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    // The same resource twice in one statement cannot be upserted: the later line wins.
    const byKey = new Map<string, { line: number; write: ResourceWrite }>();
    for (const entry of batch) byKey.set(`${entry.write.type}\u0000${entry.write.id}`, entry);
    const entries = [...byKey.values()];
    const skipped = batch.length - entries.length;
    batch = [];
    try {
      const counts = await catalog.upsertBatch(
        admin.tenantId,
        entries.map((e) => e.write),
      );
      summary.created += counts.created;
      summary.updated += counts.updated + skipped;
    } catch (error) {
      if (!(error instanceof DomainException)) throw error;
      for (const entry of entries) {
        try {
          const counts = await catalog.upsertBatch(admin.tenantId, [entry.write]);
          summary.created += counts.created;
          summary.updated += counts.updated;
        } catch (e) {
          if (!(e instanceof DomainException)) throw e;
          fail(entry.line, e.code, e.detail ?? e.message);
        }
      }
      summary.updated += skipped;
    }
    progress?.({
      processed: summary.received,
      created: summary.created,
      updated: summary.updated,
      failed: summary.failed,
    });
  };
  for await (const text of linesOf(stream)) {
    const line = summary.received + 1;
    if (text !== null && text.trim() === '') {
      summary.received++;
      continue;
    }
    if (summary.received >= IMPORT_MAX_LINES) {
      fail(
        line,
        'import_too_large',
        `an import has at most ${IMPORT_MAX_LINES} lines; the rest was not read`,
      );
      break;
    }
    summary.received++;
    if (text === null) {
      fail(line, 'line_too_long', `a line has at most ${IMPORT_MAX_LINE_BYTES} bytes`);
      continue;
    }
    const parsed = parseLine(text);
    if ('code' in parsed) fail(line, parsed.code, parsed.message);
    else batch.push({ line, write: parsed });
    if (batch.length >= IMPORT_BATCH) await flush();
  }
  await flush();
  await catalog.recordImport(admin, {
    received: summary.received,
    created: summary.created,
    updated: summary.updated,
    failed: summary.failed,
  });
  return summary;
}
