import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { getLocal, removeLocal, setLocal, updateLocal } from './storage';

beforeEach(() => fakeBrowser.reset());

describe('stored items', () => {
  it('are stored as they always were: the value under its own key, no version key at v1', async () => {
    await setLocal('cursor', { since: 4, epoch: 'e' });
    await setLocal('relayUrl', 'http://r');
    expect(await fakeBrowser.storage.local.get(null)).toEqual({
      cursor: { since: 4, epoch: 'e' },
      relayUrl: 'http://r',
    });
  });

  it('read what is missing or unreadable as the default', async () => {
    expect(await getLocal('cursor')).toBeUndefined();
    expect(await getLocal('recent')).toEqual([]);
    expect(await getLocal('connection')).toEqual({ state: 'signed_out' });
    await fakeBrowser.storage.local.set({ cursor: { since: -1 }, connection: 'x' });
    expect(await getLocal('cursor')).toBeUndefined();
    expect(await getLocal('connection')).toEqual({ state: 'signed_out' });
  });

  it('update one change at a time, and a removal waits for the updates before it', async () => {
    await Promise.all([1, 2, 3].map((n) => updateLocal('relayUrl', (v) => `${v ?? ''}${n}`)));
    expect(await getLocal('relayUrl')).toBe('123');
    void updateLocal('relayUrl', () => 'late');
    await removeLocal('relayUrl');
    expect(await getLocal('relayUrl')).toBeUndefined();
  });

  it('an update that returns the same value writes nothing', async () => {
    await setLocal('relayUrl', 'http://r');
    let changes = 0;
    fakeBrowser.storage.local.onChanged.addListener(() => changes++);
    await updateLocal('relayUrl', (v) => v);
    expect(changes).toBe(0);
  });
});

describe('the recent list', () => {
  const item = (seq: number) => ({
    seq,
    tag: `t:${seq}`,
    kind: 'ticket.status_changed',
    title: `Ticket ${seq}`,
    body: '',
    sticky: false,
    resolves: false,
    at: '2026-04-24T13:00:00Z',
    read: false,
  });

  it('keeps every item that parses when one does not', async () => {
    await fakeBrowser.storage.local.set({ recent: [item(3), { seq: 'two' }, item(1)] });
    expect((await getLocal('recent')).map((i) => i.seq)).toEqual([3, 1]);
  });

  it('is empty when what is stored is not a list', async () => {
    await fakeBrowser.storage.local.set({ recent: { seq: 1 } });
    expect(await getLocal('recent')).toEqual([]);
  });
});
