import { updateLocal } from './storage';

/**
 * This browser's name in `ring:<tag>` (which browser rang a reminder): random, made once per
 * install, never synced (two browsers of one person must not share it).
 */
export function deviceId(): Promise<string> {
  return updateLocal('deviceId', (known) => known ?? crypto.randomUUID()) as Promise<string>;
}
