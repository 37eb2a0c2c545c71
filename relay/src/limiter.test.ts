import { describe, expect, it } from 'vitest';
import { FailureLimiter, TokenBuckets } from './limiter';
import { originMatcher } from './origins';

describe('FailureLimiter', () => {
  it('blocks after max failures until the window ends; success clears', () => {
    let now = 0;
    const l = new FailureLimiter(3, 60_000, () => now);
    for (let i = 0; i < 3; i++) l.fail('u');
    expect(l.retryAfter('u')).toBe(60);
    now = 30_000;
    expect(l.retryAfter('u')).toBe(30);
    now = 60_000;
    expect(l.retryAfter('u')).toBe(0);
    l.fail('v');
    l.clear('v');
    expect(l.retryAfter('v')).toBe(0);
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
