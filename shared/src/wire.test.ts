import { describe, expect, it } from 'vitest';
import { seqParamSchema } from './wire';

describe('seqParamSchema', () => {
  it.each(['0', '7', '1234567890123456'])('accepts %s', (v) => {
    expect(seqParamSchema.parse(v)).toBe(Number(v));
  });
  it.each(['', ' ', '0x10', '1e3', '-1', '01', '1.5', '12345678901234567', 'NaN'])(
    'refuses %j',
    (v) => {
      expect(seqParamSchema.safeParse(v).success).toBe(false);
    },
  );
});
