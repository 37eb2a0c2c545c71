/* global browser */
// Test only (e2e/firefox.ts). WebDriver BiDi will not navigate a tab to a moz-extension:// page,
// but an extension may: a tab the harness sends to `about:blank#herald-e2e-open=<url>` is sent on
// to <url> (Herald's popup.html), where it is an ordinary, scriptable tab.
const PREFIX = 'about:blank#herald-e2e-open=';
const handled = new Set();

function follow(tab) {
  if (tab.id === undefined || !tab.url || !tab.url.startsWith(PREFIX)) return;
  const key = `${tab.id} ${tab.url}`;
  if (handled.has(key)) return;
  handled.add(key);
  void browser.tabs.update(tab.id, { url: decodeURIComponent(tab.url.slice(PREFIX.length)) });
}

browser.tabs.onUpdated.addListener((_id, change, tab) => {
  if (change.url) follow(tab);
});
// After a restart Firefox starts background pages only once the session is restored: a request
// made before that is waiting in its tab.
void browser.tabs.query({}).then((tabs) => tabs.forEach(follow));
