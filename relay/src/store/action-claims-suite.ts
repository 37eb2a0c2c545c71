import { describe, expect, it } from 'vitest';
import type { ActionClaims } from './action-claims';

/** The contract every backend's action claims keep. */
export function describeActionClaims(name: string, create: () => Promise<ActionClaims>): void {
  describe(`ActionClaims contract: ${name}`, () => {
    it('the first claim performs, the next waits, and after finish everyone gets the outcome', async () => {
      const claims = await create();
      const concurrent = await Promise.all([1, 2, 3].map(() => claims.claim('alice:r1', 'alice')));
      expect(concurrent.map((c) => c.state).sort()).toEqual(['new', 'pending', 'pending']);
      await claims.finish('alice:r1', '{"ok":true}');
      expect(await claims.claim('alice:r1', 'alice')).toEqual({
        state: 'done',
        outcome: '{"ok":true}',
      });
      expect(await claims.claim('alice:r2', 'alice')).toEqual({ state: 'new' });
    });
  });
}
