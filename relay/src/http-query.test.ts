import { seqParamSchema } from '@herald/shared';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { HttpError } from './errors';
import { parseKindsParam, parseQuery } from './http-query';

/** The HttpError `fn` throws, so its code and issues can be checked. */
function refusal(fn: () => unknown): HttpError {
  try {
    fn();
  } catch (err) {
    if (err instanceof HttpError) return err;
    throw err;
  }
  throw new Error('expected an HttpError');
}

describe('parseKindsParam', () => {
  it('leaves an absent parameter as "every kind" and an empty one as "none"', () => {
    expect(parseKindsParam(undefined)).toBeUndefined();
    expect(parseKindsParam('')).toEqual([]);
  });

  it('splits on commas into the same patterns as the WebSocket filter', () => {
    expect(parseKindsParam('ticket.*,!agent.message,*')).toEqual([
      'ticket.*',
      '!agent.message',
      '*',
    ]);
  });

  it('refuses a pattern the kind filter refuses with 400 invalid_request and its issues', () => {
    const e = refusal(() => parseKindsParam('ticket.*,,x'));
    expect(e).toMatchObject({ code: 'invalid_request', status: 400, message: 'bad kinds filter' });
    expect(e.extra.issues?.length).toBeGreaterThan(0);
  });

  it('refuses more than 100 patterns', () => {
    const many = Array.from({ length: 101 }, (_, i) => `k${i}`).join(',');
    expect(refusal(() => parseKindsParam(many)).code).toBe('invalid_request');
  });
});

describe('parseQuery', () => {
  const schema = z.object({ since: seqParamSchema.default(0), kinds: z.string().optional() });

  it('returns the parsed query', () => {
    expect(parseQuery(schema, { since: '41', kinds: 'a' })).toEqual({ since: 41, kinds: 'a' });
    expect(parseQuery(schema, {})).toEqual({ since: 0 });
  });

  it('refuses a bad query with 400 invalid_request naming the issues', () => {
    const e = refusal(() => parseQuery(schema, { since: '0x10' }));
    expect(e).toMatchObject({ code: 'invalid_request', status: 400, message: 'bad query' });
    expect(e.extra.issues).toHaveLength(1);
  });
});
