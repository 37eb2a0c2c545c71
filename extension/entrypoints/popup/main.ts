import type { PersonSettings } from '@herald/shared';
import { browser } from 'wxt/browser';
import { relayUrlWarning } from '../../utils/auth';
import { describeDetail, wordsFor, describeState } from '../../utils/words';
import { isMuted } from '../../utils/mute';
import { askWorker } from '../../utils/worker-requests';
import { effectiveSettings, loadDeviceSettings, prefsOf } from '../../utils/settings';
import { getLocal, type ConnectionSnapshot } from '../../utils/storage';
import { canReadTabs } from '../../utils/open-url';
import { buildToggles, el, readToggles, renderRecent, syncToggles } from './render';
import { buildSettingsForm } from './settings-form';

function byId<T extends HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`popup markup lacks #${id}`);
  return node as T;
}

const ui = {
  status: byId('status'),
  detail: byId('detail'),
  alert: byId('alert'),
  signOut: byId<HTMLButtonElement>('sign-out'),
  signedOut: byId('signed-out'),
  signedIn: byId('signed-in'),
  form: byId<HTMLFormElement>('sign-in'),
  relayUrl: byId<HTMLInputElement>('relay-url'),
  relayUrlWarning: byId('relay-url-warning'),
  username: byId<HTMLInputElement>('username'),
  password: byId<HTMLInputElement>('password'),
  submit: byId<HTMLButtonElement>('sign-in-button'),
  recent: byId<HTMLUListElement>('recent'),
  empty: byId('empty'),
  markAllRead: byId<HTMLButtonElement>('mark-all-read'),
  muteState: byId('mute-state'),
  toggles: byId('toggles'),
  focusTabs: byId<HTMLInputElement>('focus-tabs'),
};

let snapshot: ConnectionSnapshot = { state: 'signed_out' };
let signedIn: boolean | undefined;

function showError(text: string): void {
  ui.alert.textContent = text;
}

function renderStatus(): void {
  const now = Date.now();
  const words = describeState(snapshot, now);
  if (ui.status.textContent !== words) {
    // The ticking "in N s" is hidden from screen readers: a live region that changes every second
    // would be read out every second. They hear the state; the detail line has the countdown.
    const countdown = / in \d+ s$/.exec(words);
    if (countdown) {
      ui.status.replaceChildren(
        words.slice(0, countdown.index),
        el('span', { 'aria-hidden': 'true' }, countdown[0]),
      );
    } else {
      ui.status.textContent = words;
    }
  }
  ui.status.dataset['state'] = snapshot.state;
  const detail = describeDetail(snapshot, now);
  if (ui.detail.textContent !== detail) ui.detail.textContent = detail;
}

async function render(): Promise<void> {
  const [auth, connection, recent, relayUrl] = await Promise.all([
    getLocal('auth'),
    getLocal('connection'),
    getLocal('recent'),
    getLocal('relayUrl'),
  ]);
  const nowSignedIn = auth !== undefined;
  snapshot = nowSignedIn || connection.state === 'revoked' ? connection : { state: 'signed_out' };
  renderStatus();
  if (signedIn !== nowSignedIn) {
    signedIn = nowSignedIn;
    ui.signedOut.hidden = nowSignedIn;
    ui.signedIn.hidden = !nowSignedIn;
    ui.signOut.hidden = !nowSignedIn;
    if (!nowSignedIn) {
      if (!ui.relayUrl.value) ui.relayUrl.value = relayUrl ?? '';
      renderUrlWarning();
      (ui.relayUrl.value ? ui.username : ui.relayUrl).focus();
    }
  }
  if (!nowSignedIn && connection.state === 'revoked' && !ui.alert.textContent) {
    showError(wordsFor('unauthorized'));
  }
  renderRecent(ui.recent, recent, { user: auth?.user, busy: answering });
  ui.empty.hidden = recent.length > 0;
  ui.markAllRead.hidden = !recent.some((i) => !i.read);
}

/** Toggles and settings written by this popup and not yet echoed back by storage.onChanged. */
let prefWrites = 0;

/** Asks the worker to merge a change into the person's settings (and send it to the relay). */
async function sendSettings(patch: Partial<PersonSettings>): Promise<void> {
  const reply = await askWorker({ type: 'settings', settings: patch });
  if (!reply.ok) showError(wordsFor(reply.code));
}

const settingsForm = buildSettingsForm(sendSettings);

/** The person's settings as the worker holds them: toggles, mute, quiet hours, reminders. */
async function renderSettings(): Promise<void> {
  const [mirror, outbox, device] = await Promise.all([
    getLocal('personState'),
    getLocal('outbox'),
    loadDeviceSettings(),
  ]);
  const settings = effectiveSettings({ mirror, outbox }, device, Date.now());
  settingsForm.sync(settings);
  const muteUntil = settings.muteUntil ?? 0;
  ui.muteState.textContent = isMuted(muteUntil, Date.now())
    ? `Toasts are muted until ${new Date(muteUntil).toLocaleString([], { weekday: 'short', hour: '2-digit', minute: '2-digit' })}. Events still arrive here.`
    : 'Toasts are on.';
  // While our own writes are in flight, the checkboxes are ahead of storage: leave them be.
  if (prefWrites === 0) syncToggles(ui.toggles, prefsOf(settings));
}

async function renderFocusTabs(): Promise<void> {
  ui.focusTabs.checked = await canReadTabs();
}

/** Says, while the person types, when the URL would send their password in the clear. */
function renderUrlWarning(): void {
  const code = relayUrlWarning(ui.relayUrl.value);
  ui.relayUrlWarning.textContent = code ? wordsFor(code) : '';
  ui.relayUrlWarning.hidden = !code;
}
ui.relayUrl.addEventListener('input', renderUrlWarning);

ui.form.addEventListener('submit', (ev) => {
  ev.preventDefault();
  void (async () => {
    showError('');
    ui.submit.disabled = true;
    ui.submit.textContent = 'Signing in…';
    const reply = await askWorker({
      type: 'signIn',
      relayUrl: ui.relayUrl.value,
      username: ui.username.value,
      password: ui.password.value,
    });
    ui.submit.disabled = false;
    ui.submit.textContent = 'Sign in';
    if (reply.ok) {
      ui.password.value = '';
      await render();
      return;
    }
    showError(wordsFor(reply.code, { n: reply.retryAfter }));
    (reply.code === 'invalid_url' ? ui.relayUrl : ui.password).focus();
  })();
});

ui.signOut.addEventListener('click', () => {
  showError('');
  void askWorker({ type: 'signOut' }).then(render);
});

/** Tags whose answer the worker is sending: their controls wait, disabled. */
const answering = new Set<string>();

/** Answers an item through the worker; the list shows the outcome, the alert a failure. */
async function answer(tag: string, action: string, value?: string | string[]): Promise<void> {
  if (answering.has(tag)) return;
  showError('');
  answering.add(tag);
  await render();
  const reply = await askWorker({
    type: 'act',
    tag,
    action,
    ...(value !== undefined ? { value } : {}),
  });
  answering.delete(tag);
  if (!reply.ok) showError(reply.message ?? wordsFor(reply.code));
  await render();
}

ui.recent.addEventListener('click', (ev) => {
  const target = ev.target as HTMLElement;
  const tag = target.closest('li')?.dataset['tag'];
  if (tag === undefined) return;
  const action = target.closest<HTMLElement>('button[data-action]')?.dataset['action'];
  const snooze = target.closest<HTMLElement>('button[data-snooze]')?.dataset['snooze'];
  if (snooze !== undefined) {
    const choice = snooze as 'hour' | 'tomorrow' | 'change' | 'off';
    void askWorker({ type: 'snooze', tag, choice }).then((reply) => {
      if (!reply.ok) showError(wordsFor(reply.code));
    });
  } else if (action !== undefined) void answer(tag, action);
  else if (target.closest('button.item')) void askWorker({ type: 'open', tag });
});

ui.recent.addEventListener('submit', (ev) => {
  ev.preventDefault();
  const form = ev.target as HTMLFormElement;
  const tag = form.closest('li')?.dataset['tag'];
  const action = form.dataset['action'];
  if (tag === undefined || action === undefined) return;
  const text = form.querySelector<HTMLInputElement>('input[type="text"]');
  const picks = [...form.querySelectorAll<HTMLInputElement>('input[type="checkbox"]:checked')];
  void answer(tag, action, text ? text.value : picks.map((p) => p.value));
});

ui.markAllRead.addEventListener('click', () => void askWorker({ type: 'markAllRead' }));

for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-mute]')) {
  button.addEventListener('click', () => {
    const choice = button.dataset['mute'] as 'hour' | 'tomorrow' | 'off';
    void askWorker({ type: 'mute', choice });
  });
}

buildToggles(ui.toggles, () => {
  // The checkboxes are the truth here: a read-modify-write of storage would lose a quick second
  // click whose read happened before the first click's write.
  prefWrites++;
  void sendSettings({ toggles: readToggles(ui.toggles) }).finally(() => {
    prefWrites--;
  });
});

ui.focusTabs.addEventListener('change', () => {
  // Asked for here, inside the click, because browsers grant optional permissions only then.
  const want = ui.focusTabs.checked;
  const change = want
    ? browser.permissions.request({ permissions: ['tabs'] })
    : browser.permissions.remove({ permissions: ['tabs'] });
  void change.catch(() => false).then(renderFocusTabs);
});

/**
 * A replay writes storage once per event; one render per 50 ms is plenty. (A timer, not
 * requestAnimationFrame, which stops in a background tab, e.g. the options page.)
 */
let renderQueued = false;
function scheduleRender(): void {
  if (renderQueued) return;
  renderQueued = true;
  setTimeout(() => {
    renderQueued = false;
    void render();
  }, 50);
}

browser.storage.onChanged.addListener((changes, area) => {
  if (area === 'local' && ('personState' in changes || 'outbox' in changes)) void renderSettings();
  // The cursor moves with every event and changes nothing on screen; the person's state and
  // outbox are drawn by renderSettings, not by the list.
  const notListed = ['cursor', 'personState', 'outbox'];
  if (area === 'local' && Object.keys(changes).some((k) => !notListed.includes(k)))
    scheduleRender();
});
void renderSettings();
void renderFocusTabs();
setInterval(renderStatus, 1000);
void render().then(() => {
  // Someone is looking: a worker the browser stopped wakes up, one waiting out a long backoff
  // tries now (a connected one ignores this).
  if (signedIn) void askWorker({ type: 'reconnect' });
});
