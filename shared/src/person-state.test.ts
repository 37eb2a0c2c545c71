import { describe, expect, it } from 'vitest';
import { parseStateKey, stateRequestSchema } from './person-state';

describe('person state keys and puts', () => {
  it('names the settings or one kind of state of an item by its tag', () => {
    expect(parseStateKey('settings')).toEqual({ prefix: 'settings' });
    expect(parseStateKey('read:ticket:t1')).toEqual({ prefix: 'read', tag: 'ticket:t1' });
    expect(parseStateKey('snooze:x')).toEqual({ prefix: 'snooze', tag: 'x' });
    expect(parseStateKey('unread:x')).toBeUndefined();
    expect(parseStateKey('read:')).toBeUndefined();
    expect(parseStateKey('read')).toBeUndefined();
  });

  it('checks each value against its key and keeps only what the schema reads', () => {
    const ok = stateRequestSchema.safeParse({
      puts: [
        { key: 'read:t1', value: { seq: 4, junk: true } },
        { key: 'snooze:t1', value: { seq: 4, change: true } },
        { key: 'ring:t1', value: { seq: 4, slot: 10, by: 'b1' }, ifRev: 0 },
        { key: 'settings', value: { remindAfterMs: 0, futureField: 'kept' } },
      ],
    });
    expect(ok.success).toBe(true);
    expect(ok.data?.puts[0]?.value).toEqual({ seq: 4 });
    expect(ok.data?.puts[3]?.value).toEqual({ remindAfterMs: 0, futureField: 'kept' });
    for (const put of [
      { key: 'read:t1', value: { seq: 0 } },
      { key: 'snooze:t1', value: { seq: 1, until: 5, change: true } },
      { key: 'nope:t1', value: {} },
      { key: 'settings', value: { quietHours: { enabled: true } } },
      { key: 'settings', value: { toggles: { x: true }, pad: 'x'.repeat(5000) } },
    ]) {
      expect(stateRequestSchema.safeParse({ puts: [put] }).success, JSON.stringify(put)).toBe(
        false,
      );
    }
    expect(stateRequestSchema.safeParse({ puts: [] }).success).toBe(false);
  });

  it('measures a value in bytes, as documented: 4 KiB of UTF-8, not 4,096 UTF-16 units', () => {
    // 2,000 characters of "é" are 2,000 UTF-16 units but 4,000 bytes; with the JSON around them
    // and the second field, the value is under 4,096 units and over 4,096 bytes.
    const value = { toggles: { x: true }, pad: 'é'.repeat(2000), more: 'x'.repeat(60) };
    expect(JSON.stringify(value).length).toBeLessThan(4096);
    expect(stateRequestSchema.safeParse({ puts: [{ key: 'settings', value }] }).success).toBe(
      false,
    );
  });
});
