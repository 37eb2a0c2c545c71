import { describe, expect, it } from 'vitest';
import { kindFilter, topicMatches } from './match';
import { kindPatternSchema, topicPatternSchema } from './event';

describe('topicMatches', () => {
  it.each([
    ['tickets', 'tickets', true],
    ['tickets', 'tickets/x', false],
    ['agents/*', 'agents/alpha', true],
    ['agents/*', 'agents', false],
    ['agents/*', 'agents/alpha/beta', false],
    ['agents/**', 'agents', true],
    ['agents/**', 'agents/alpha/beta', true],
    ['**', 'anything/at/all', true],
    ['*/x', 'a/x', true],
    ['*/x', 'a/y', false],
  ])('%s vs %s → %s', (pattern, topic, expected) => {
    expect(topicPatternSchema.safeParse(pattern).success).toBe(true);
    expect(topicMatches(pattern, topic)).toBe(expected);
  });
});

describe('kindFilter', () => {
  it('omitted matches every kind, empty matches none', () => {
    expect(kindFilter(undefined)('job.failed')).toBe(true);
    expect(kindFilter([])('job.failed')).toBe(false);
  });
  it('prefixes, exclusions and exact kinds', () => {
    const f = kindFilter(['*', '!agent.message', '!agent.lifecycle']);
    expect(f('agent.approval_added')).toBe(true);
    expect(f('agent.message')).toBe(false);
    const g = kindFilter(['ticket.*', 'agent.approval_added']);
    expect(g('ticket.status_changed')).toBe(true);
    expect(g('agent.approval_added')).toBe(true);
    expect(g('agent.question_added')).toBe(false);
    expect(kindFilter(['!agent.*'])('job.done')).toBe(true);
    expect(kindFilter(['!agent.*'])('agent.x')).toBe(false);
  });
  it('rejects malformed patterns', () => {
    for (const bad of ['Agent', 'a..b', '!', '**', 'a.*.b']) {
      expect(kindPatternSchema.safeParse(bad).success).toBe(false);
    }
  });
});
