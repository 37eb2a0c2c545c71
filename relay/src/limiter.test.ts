import { describe, expect, it } from 'vitest';
import { FailureLimiter, reserveAttempt, TokenBuckets } from './limiter';
import { defaultOriginsWarning, originMatcher } from './origins';

describe('FailureLimiter', () => {
  it('blocks after max failures until the window ends; success clears', () => {
    let now = 0;
    const l = new FailureLimiter(3, 60_000, () => now);
    for (let i = 0; i < 3; i++) l.reserve('u');
    expect(l.retryAfter('u')).toBe(60);
    now = 30_000;
    expect(l.retryAfter('u')).toBe(30);
    now = 60_000;
    expect(l.retryAfter('u')).toBe(0);
    l.reserve('v');
    l.clear('v');
    expect(l.retryAfter('v')).toBe(0);
  });

  it('counts an attempt when it is reserved, so a concurrent burst gets exactly max', () => {
    const user = new FailureLimiter(5, 60_000, () => 0);
    const address = new FailureLimiter(20, 60_000, () => 0);
    // 200 attempts arrive before any check finishes: reserved synchronously, none released yet.
    const outcomes = Array.from({ length: 200 }, () =>
      reserveAttempt([
        [user, 'alice'],
        [address, '10.0.0.1'],
      ]),
    );
    expect(outcomes.filter((w) => w === 0)).toHaveLength(5);
    expect(outcomes.filter((w) => w === 60)).toHaveLength(195);
    // A refused attempt reserved nothing under the other key.
    expect(address.retryAfter('10.0.0.1')).toBe(0);
  });

  it('release gives back an attempt that succeeded', () => {
    const l = new FailureLimiter(2, 60_000, () => 0);
    l.reserve('a');
    l.reserve('a');
    expect(l.retryAfter('a')).toBe(60);
    l.release('a');
    expect(l.retryAfter('a')).toBe(0);
  });
});

describe('TokenBuckets', () => {
  it('allows a burst, then the rate', () => {
    let now = 0;
    const b = new TokenBuckets(10, 5, () => now);
    for (let i = 0; i < 5; i++) expect(b.take('a')).toBe(true);
    expect(b.take('a')).toBe(false);
    expect(b.take('other')).toBe(true);
    now = 100; // 0.1 s at 10/s = one token
    expect(b.take('a')).toBe(true);
    expect(b.take('a')).toBe(false);
  });
});

describe('originMatcher', () => {
  it('matches extension schemes and exact origins, nothing else', () => {
    const ok = originMatcher([
      'chrome-extension://*',
      'https://*.example.com',
      'http://localhost:3000',
    ]);
    expect(ok('chrome-extension://abcdef')).toBe(true);
    expect(ok('https://a.example.com')).toBe(true);
    expect(ok('https://example.com')).toBe(false);
    expect(ok('https://a.example.com.evil.io')).toBe(false);
    expect(ok('http://localhost:3000')).toBe(true);
    expect(ok('http://localhost:30001')).toBe(false);
    expect(ok('null')).toBe(false);
  });
});

describe('defaultOriginsWarning', () => {
  const defaults = ['chrome-extension://*', 'moz-extension://*'];
  it('warns only for the default origins on a host others can reach', () => {
    expect(defaultOriginsWarning({ host: '0.0.0.0', allowedOrigins: defaults })).toMatch(
      /HERALD_ALLOWED_ORIGINS/,
    );
    expect(defaultOriginsWarning({ host: '10.1.2.3', allowedOrigins: defaults })).toBeDefined();
    for (const host of ['127.0.0.1', '::1', 'localhost'])
      expect(defaultOriginsWarning({ host, allowedOrigins: defaults })).toBeUndefined();
    expect(
      defaultOriginsWarning({ host: '0.0.0.0', allowedOrigins: ['chrome-extension://abc'] }),
    ).toBeUndefined();
  });
});
