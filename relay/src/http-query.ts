import { kindFilterSchema } from '@herald/shared';
import type { z } from 'zod';
import { HttpError } from './errors';

/** A route's query string, checked against its schema: 400 `invalid_request` naming the issues. */
export function parseQuery<S extends z.ZodType>(schema: S, query: unknown): z.output<S> {
  const q = schema.safeParse(query);
  if (!q.success) throw new HttpError('invalid_request', 'bad query', { issues: q.error.issues });
  return q.data;
}

/**
 * `?kinds=a,b` for the command line (`GET /v1/events`, `GET /v1/stream`): the same patterns as
 * the WebSocket's `kinds`. Absent means every kind; present but empty means none.
 */
export function parseKindsParam(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const kinds = kindFilterSchema.safeParse(value === '' ? [] : value.split(','));
  if (!kinds.success) {
    throw new HttpError('invalid_request', 'bad kinds filter', { issues: kinds.error.issues });
  }
  return kinds.data;
}
