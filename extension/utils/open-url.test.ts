import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { openUrl, samePage } from './open-url';

const ticket = 'https://tracker.example/tickets/6fb387da';

beforeEach(() => fakeBrowser.reset());

describe('openUrl', () => {
  it('focuses the tab already showing the page, and its window, instead of opening another', async () => {
    const win = await fakeBrowser.windows.create({});
    const tab = await fakeBrowser.tabs.create({
      url: `${ticket}?tab=comments#c3`,
      windowId: win.id,
    });
    const focusWindow = vi.spyOn(fakeBrowser.windows, 'update');
    const activate = vi.spyOn(fakeBrowser.tabs, 'update');
    const before = (await fakeBrowser.tabs.query({})).length;

    expect(await openUrl(ticket, async () => true)).toBe('focused');

    expect((await fakeBrowser.tabs.query({})).length).toBe(before);
    expect(activate).toHaveBeenCalledWith(tab.id, { active: true });
    expect(focusWindow).toHaveBeenCalledWith(win.id, { focused: true });
  });

  it('opens a new tab when no tab shows that page', async () => {
    await fakeBrowser.tabs.create({ url: 'https://tracker.example/tickets/other' });
    expect(await openUrl(ticket, async () => true)).toBe('opened');
    const urls = (await fakeBrowser.tabs.query({})).map((t) => t.url);
    expect(urls).toContain(ticket);
  });

  it('opens a new tab when tab URLs are hidden (tabs permission not granted)', async () => {
    await fakeBrowser.tabs.create({ url: ticket });
    expect(await openUrl(ticket, async () => false)).toBe('opened');
    expect((await fakeBrowser.tabs.query({})).filter((t) => t.url === ticket)).toHaveLength(2);
  });
});

describe('samePage', () => {
  it('compares origin and path only', () => {
    expect(samePage('https://a.example/x/', 'https://a.example/x?y=1')).toBe(true);
    expect(samePage('https://a.example/x', 'http://a.example/x')).toBe(false);
    expect(samePage('https://a.example/x', 'https://a.example/x/y')).toBe(false);
    expect(samePage('not a url', 'https://a.example/')).toBe(false);
  });
});
