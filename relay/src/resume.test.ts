import { describe, expect, it } from 'vitest';
import { resumePoint } from './resume';

const position = { epoch: 'e1', head: 50, prunedThrough: 10 };

describe('resumePoint (the table in docs/protocol.md)', () => {
  it.each([
    ['no since: live from now', undefined, undefined, { after: 50, resumed: false, gap: false }],
    ['same epoch, retained', 20, 'e1', { after: 20, resumed: true, gap: false }],
    ['no epoch given, retained', 20, undefined, { after: 20, resumed: true, gap: false }],
    ['at the head', 50, 'e1', { after: 50, resumed: true, gap: false }],
    ['exactly at the pruned mark', 10, 'e1', { after: 10, resumed: true, gap: false }],
    ['older than retention', 5, 'e1', { after: 10, resumed: false, gap: true }],
    ['another epoch', 20, 'e0', { after: 10, resumed: false, gap: true }],
    ['beyond the head: a new log', 51, 'e1', { after: 10, resumed: false, gap: true }],
  ])('%s', (_what, since, epoch, expected) => {
    expect(resumePoint(position, since, epoch)).toEqual(expected);
  });
});
