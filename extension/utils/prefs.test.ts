import { describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { KINDS, kindFilter, kindFilterSchema } from '@herald/shared';
import { DEFAULT_PREFS, getPrefs, kindsFromPrefs, type Prefs } from './prefs';
import { seedLegacyPrefs } from '../test/legacy';

const keys = Object.keys(DEFAULT_PREFS) as (keyof Prefs)[];

/** Which toggle a person would say owns each kind. */
const owner: Record<string, keyof Prefs> = {
  [KINDS.ticketProposedResolution]: 'proposedResolution',
  [KINDS.ticketStatusChanged]: 'otherStatus',
  [KINDS.ticketLagged]: 'otherStatus',
  [KINDS.agentApprovalAdded]: 'approvals',
  [KINDS.agentApprovalResolved]: 'approvals',
  [KINDS.agentQuestionAdded]: 'questions',
  [KINDS.agentQuestionResolved]: 'questions',
  [KINDS.agentLifecycle]: 'lifecycle',
  [KINDS.agentMessage]: 'messages',
  'job.failed': 'otherSources',
  'download.complete': 'otherSources',
  'tickets.x': 'otherSources',
};

function* allCombinations(): Generator<Prefs> {
  for (let mask = 0; mask < 2 ** keys.length; mask++) {
    yield Object.fromEntries(keys.map((k, i) => [k, Boolean(mask & (1 << i))])) as Prefs;
  }
}

describe('kindsFromPrefs', () => {
  it('lets through exactly the kinds whose checkbox is ticked, for every combination', () => {
    let combos = 0;
    for (const prefs of allCombinations()) {
      const kinds = kindsFromPrefs(prefs);
      expect(kindFilterSchema.safeParse(kinds).success).toBe(true);
      const accepts = kindFilter(kinds);
      expect(accepts(KINDS.actionDecided)).toBe(true);
      for (const [kind, toggle] of Object.entries(owner)) {
        expect(accepts(kind), `${kind} with ${JSON.stringify(prefs)}`).toBe(prefs[toggle]);
      }
      combos++;
    }
    expect(combos).toBe(128);
  });

  it('defaults: everything but lifecycle and messages', () => {
    expect(kindsFromPrefs(DEFAULT_PREFS)).toEqual(['*', '!agent.lifecycle', '!agent.message']);
  });

  it('everything off hears only herald.decided (never toasted), not an omitted filter (hear all)', () => {
    const off = Object.fromEntries(keys.map((k) => [k, false])) as Prefs;
    expect(kindsFromPrefs(off)).toEqual([KINDS.actionDecided]);
  });

  it('unknown kinds inside a group follow the group when it is all on or all off', () => {
    const ticketsOff = { ...DEFAULT_PREFS, proposedResolution: false, otherStatus: false };
    expect(kindFilter(kindsFromPrefs(ticketsOff))('ticket.reopened')).toBe(false);
    const onlyTickets = { ...ticketsOff, proposedResolution: true, otherStatus: true };
    const f = kindFilter(
      kindsFromPrefs({ ...onlyTickets, approvals: false, questions: false, otherSources: false }),
    );
    expect(f('ticket.reopened')).toBe(true);
    expect(f('job.failed')).toBe(false);
  });
});

describe('prefs storage', () => {
  it('starts from the defaults and keeps what the person chose in storage.sync', async () => {
    fakeBrowser.reset();
    expect(await getPrefs()).toEqual(DEFAULT_PREFS);
    await seedLegacyPrefs({ ...DEFAULT_PREFS, messages: true });
    expect((await getPrefs()).messages).toBe(true);
    expect(await fakeBrowser.storage.local.get('prefs')).toEqual({ prefs: undefined });
  });

  it('ignores junk and fills toggles a newer version added', async () => {
    fakeBrowser.reset();
    await fakeBrowser.storage.sync.set({ prefs: { messages: true, lifecycle: 'yes' } });
    expect(await getPrefs()).toEqual(DEFAULT_PREFS);
    await fakeBrowser.storage.sync.set({ prefs: { messages: true } });
    expect(await getPrefs()).toEqual({ ...DEFAULT_PREFS, messages: true });
  });
});
