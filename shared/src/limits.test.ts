import { describe, expect, it } from 'vitest';
import { publishEventSchema } from './event';
import { LIMITS, nestingDepth } from './limits';

const deep = (levels: number) => {
  let v: unknown = 1;
  for (let i = 0; i < levels; i++) v = i % 2 ? [v] : { v };
  return v;
};

describe('nestingDepth', () => {
  it('counts objects and arrays, not scalars', () => {
    expect(nestingDepth(1, 10)).toBe(0);
    expect(nestingDepth({ a: [1, { b: 2 }] }, 10)).toBe(3);
  });
  it('walks 100k levels without overflowing the stack, stopping past the limit', () => {
    expect(nestingDepth(deep(100_000), 32)).toBe(33);
  });
});

describe('publishEventSchema data depth', () => {
  const base = { id: 'x', topic: 't', kind: 'k', title: 'T' };
  it('accepts data at the limit and refuses one level deeper', () => {
    expect(publishEventSchema.safeParse({ ...base, data: deep(LIMITS.maxDataDepth) }).success).toBe(
      true,
    );
    const r = publishEventSchema.safeParse({ ...base, data: deep(4500) });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['data']);
  });
});
