import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The unpacked Chromium build (`npm run build -w @herald/extension`). */
export const EXTENSION_DIR = fileURLToPath(
  new URL('../extension/.output/chrome-mv3', import.meta.url),
);
/** The Firefox build (`npm run build -w @herald/extension` makes both). */
export const FIREFOX_EXTENSION_DIR = fileURLToPath(
  new URL('../extension/.output/firefox-mv2', import.meta.url),
);
/** The test-only extension that opens Herald's pages in Firefox tabs (see firefox.ts). */
export const FIREFOX_OPENER_DIR = fileURLToPath(new URL('./firefox-opener', import.meta.url));
/** The relay's bundled CLI (`npm run build -w @herald/relay`). */
export const RELAY_BIN = fileURLToPath(new URL('../relay/dist/cli.js', import.meta.url));
/** Screenshots the README shows. */
export const DOCS_IMG = fileURLToPath(new URL('../docs/img', import.meta.url));
