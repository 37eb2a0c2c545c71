import { browser } from 'wxt/browser';
import { defineBackground } from 'wxt/utils/define-background';
import { createWorker } from '../utils/worker';

export default defineBackground(() => {
  const worker = createWorker();
  // MV3: every listener is registered synchronously on each start, before any await, so the event
  // that woke the worker (a click, an alarm, a message) is delivered to it.
  browser.runtime.onMessage.addListener((message, sender) => {
    if (sender.id !== browser.runtime.id) return undefined;
    return worker.handleMessage(message);
  });
  browser.notifications.onClicked.addListener((id) => void worker.onNotificationClicked(id));
  // Firefox's notifications have no buttons (and no such event).
  browser.notifications.onButtonClicked?.addListener(
    (id, index) => void worker.onNotificationButtonClicked(id, index),
  );
  // `byUser`: the person closed the toast, not its expiry (only Chrome tells: see notifier).
  browser.notifications.onClosed.addListener(
    (id, byUser?: boolean) => void worker.onNotificationClosed(id, byUser),
  );
  browser.alarms.onAlarm.addListener((alarm) => void worker.onAlarm(alarm.name));
  browser.runtime.onStartup.addListener(() => void worker.wake());
  browser.runtime.onInstalled.addListener(() => void worker.wake());
  globalThis.addEventListener('online', () => worker.online());
  void worker.wake();
});
