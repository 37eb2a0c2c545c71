import { fakeBrowser } from 'wxt/testing';
import type { Prefs } from '../utils/prefs';

/**
 * Leaves the toggles where a version from before settings followed the person kept them
 * (storage.sync `prefs`): shipped code only reads that key, to seed the settings document.
 */
export async function seedLegacyPrefs(prefs: Prefs): Promise<void> {
  await fakeBrowser.storage.sync.set({ prefs });
}
