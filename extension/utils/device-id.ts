import { getLocal, serialised, setLocal } from './storage';

/**
 * This browser's name in `ring:<tag>` (which browser rang a reminder): random, made once per
 * install, never synced (two browsers of one person must not share it).
 */
export function deviceId(): Promise<string> {
  return serialised('deviceId', async () => {
    const known = await getLocal('deviceId');
    if (known) return known;
    const id = crypto.randomUUID();
    await setLocal('deviceId', id);
    return id;
  });
}
