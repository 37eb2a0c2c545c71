import { defineConfig } from 'wxt';

// Permissions are deliberately minimal: a worker's WebSocket and the popup's fetch need no host
// permission (the relay answers CORS for extension origins). `tabs` is optional and only asked for
// when the person opts in to "focus a tab already showing the page" (without it, tab URLs are hidden).
export default defineConfig({
  modules: ['@wxt-dev/webextension-polyfill'],
  // Explicit imports keep eslint and tsc honest without generated globals.
  imports: false,
  zip: {
    artifactTemplate: 'herald-{{version}}-{{browser}}.zip',
    name: 'herald',
    // Reviewers rebuild from the sources zip, and the wire schemas live in the `shared` workspace.
    sourcesRoot: '..',
    excludeSources: [
      'relay/**',
      'bench/**',
      'e2e/**',
      'docs/**',
      'scripts/**',
      'data/**',
      'extension/docs/**',
    ],
  },
  manifest: ({ browser }) => ({
    name: 'Herald',
    description: 'Hear, at once and only once, what needs you.',
    permissions: ['notifications', 'storage', 'alarms'],
    optional_permissions: ['tabs'],
    action: { default_title: 'Herald' },
    // The options page is the popup in a tab: one set of settings, one place to keep accessible.
    options_ui: { page: 'popup.html', open_in_tab: true },
    // Firefox gets MV2 (WXT's default for it) on purpose: an MV2 background page is persistent,
    // so the one WebSocket stays open, where Firefox's MV3 background is an event page it suspends
    // when idle; and MV3's default extension-pages CSP upgrades insecure requests, so a `ws://`
    // relay (the quick start's http://127.0.0.1:8787) would be dialled as `wss://` unless we wrote
    // a CSP of our own. e2e/ tests this build (`.output/firefox-mv2`) in Firefox ESR.
    ...(browser === 'firefox'
      ? {
          browser_specific_settings: {
            gecko: {
              id: 'herald@herald.invalid',
              data_collection_permissions: { required: ['none'] },
            },
          },
        }
      : {}),
  }),
});
